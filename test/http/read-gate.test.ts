/** The read gate: pages pass freely without writers, and at most `perTurn` per event-loop turn while objects are added. */

import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { createReadGate } from '../../src/http/middleware/read-gate';

const turn = () => new Promise((resolve) => setImmediate(resolve));
const req = {} as Request;

function reads(gate: ReturnType<typeof createReadGate>, n: number): { admitted: () => number } {
  let admitted = 0;
  for (let i = 0; i < n; i++) gate.reader(req, {} as Response, () => admitted++);
  return { admitted: () => admitted };
}

test('when nothing is being written, then every read passes at once', () => {
  const gate = createReadGate(2);
  expect(reads(gate, 10).admitted()).toBe(10);
});

test('when a write is in progress, then reads are admitted a few per turn and all of them in the end', async () => {
  let clock = 0;
  const gate = createReadGate(3, () => clock);
  const res = new EventEmitter() as unknown as Response;
  gate.writer(req, res, () => undefined);
  const r = reads(gate, 10);
  expect(r.admitted()).toBe(0);
  await turn();
  expect(r.admitted()).toBe(3);
  await turn();
  expect(r.admitted()).toBe(6);
  (res as unknown as EventEmitter).emit('close');
  clock += 2000;
  await turn();
  expect(r.admitted()).toBe(10);
});

test('when the last write ended less than a second ago, then the gate is still on', async () => {
  let clock = 0;
  const gate = createReadGate(1, () => clock);
  const res = new EventEmitter() as unknown as Response;
  gate.writer(req, res, () => undefined);
  (res as unknown as EventEmitter).emit('close');
  clock += 500;
  const r = reads(gate, 3);
  await turn();
  expect(r.admitted()).toBe(1);
  clock += 1000;
  await turn();
  expect(r.admitted()).toBe(3);
});

test('when a write is in flight and a smaller admission is set for it, then reads pass that many per turn until the write ends', async () => {
  let clock = 0;
  const gate = createReadGate(3, () => clock, 1);
  const res = new EventEmitter() as unknown as Response;
  gate.writer(req, res, () => undefined);
  const r = reads(gate, 10);
  await turn();
  expect(r.admitted()).toBe(1);
  await turn();
  expect(r.admitted()).toBe(2);
  (res as unknown as EventEmitter).emit('close');
  await turn();
  expect(r.admitted()).toBe(5);
});
