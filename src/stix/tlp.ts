/**
 * The published TLP marking definitions (STIX 2.1 §7.2.1.4 for TLP 1.0; the OASIS
 * TLP 2.0 extension; docs/validation.md#tlp). Release decisions match these exact ids.
 */

/** TLP 2.0 levels from least to most restrictive; TLP 1.0 markings map onto them (WHITE is CLEAR). */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type TlpLevel = (typeof TLP_LEVELS)[number];

export interface PublishedTlp<L extends string = string> {
  id: string;
  level: L;
  name: string;
}

export const TLP1_CREATED = '2017-01-20T00:00:00.000Z';
export const TLP2_CREATED = '2022-10-01T00:00:00.000Z';
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

export const TLP1_MARKINGS: readonly PublishedTlp<'white' | 'green' | 'amber' | 'red'>[] = [
  { id: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', level: 'white', name: 'TLP:WHITE' },
  { id: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', level: 'green', name: 'TLP:GREEN' },
  { id: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', level: 'amber', name: 'TLP:AMBER' },
  { id: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', level: 'red', name: 'TLP:RED' },
];

export const TLP2_MARKINGS: readonly PublishedTlp<TlpLevel>[] = [
  { id: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', level: 'clear', name: 'TLP:CLEAR' },
  { id: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', level: 'green', name: 'TLP:GREEN' },
  { id: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', level: 'amber', name: 'TLP:AMBER' },
  { id: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003', level: 'amber+strict', name: 'TLP:AMBER+STRICT' },
  { id: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', level: 'red', name: 'TLP:RED' },
];

/** The nine published objects, as Accord seeds them. */
export function publishedTlpObjects(): Array<Record<string, unknown>> {
  return [
    ...TLP1_MARKINGS.map((m) => ({
      type: 'marking-definition',
      spec_version: '2.1',
      id: m.id,
      created: TLP1_CREATED,
      definition_type: 'tlp',
      name: m.name,
      definition: { tlp: m.level },
    })),
    ...TLP2_MARKINGS.map((m) => ({
      type: 'marking-definition',
      spec_version: '2.1',
      id: m.id,
      created: TLP2_CREATED,
      name: m.name,
      extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: m.level } },
    })),
  ];
}
