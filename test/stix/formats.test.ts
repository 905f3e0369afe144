import { isBase64, isCharsetName, isCpe23, isDictionaryKey, isDomainName, isEmailAddr, isHex, ipProblem, isMacAddr, isMediaType, isPropertyName } from '../../src/stix/formats';
import { isTypeName, parseIdentifier } from '../../src/stix/identifier';
import { isCountryCode, isSoftwareLanguage, isValidLanguageTag } from '../../src/stix/language-tag';
import { selectorResolves } from '../../src/stix/semantic-rules/common-properties';
import { isExtensionKey } from '../../src/stix/semantic-rules/extensions';
import { uriProblem } from '../../src/stix/uri';

describe('formats', () => {
  test.each([
    ['http://example.com', true],
    ['https://user:pw@example.com:8443/a/b;c?q=1&r=%20#frag', true],
    ['urn:isbn:0451450523', true],
    ['mailto:john@example.com', true],
    ['http://[2001:db8::1]:80/', true],
    ['http://[v7.fe80::1]/', true],
    ['http://192.0.2.1/', true],
    ['file:///etc/passwd', true],
    ['example.com/path', false],
    ['http://exa mple.com', false],
    ['http://example.com/a b', false],
    ['http://example.com/%G0', false],
    ['http://example.com/%4', false],
    ['http://[2001:db8::1/', false],
    ['http://example.com:80a/', false],
    ['http://example.com/\u2013', false],
    ['http://999.1.1.1/', false],
    ['', false],
  ])('when %j is scanned as a URI, then validity is %s', (value, ok) => {
    expect(uriProblem(value) === null).toBe(ok);
  });

  test.each([
    ['en', true],
    ['en-US', true],
    ['zh-Hans-CN', true],
    ['de-CH-1901', true],
    ['sr-Latn-RS', true],
    ['x-private', true],
    ['en-x-custom', true],
    ['i-klingon', true],
    ['es-419', true],
    ['zh-cmn-Hans', true],
    ['qaa', true],
    ['english', false],
    ['en-US-US', false],
    ['xx', false],
    ['en--US', false],
    ['de-1901-1901', false],
    ['en-a-bbb-a-ccc', false],
    ['', false],
  ])('when %j is a language tag, then validity is %s', (value, ok) => {
    expect(isValidLanguageTag(value)).toBe(ok);
  });

  test.each([
    ['eng', true],
    ['fre', true],
    ['ger', true],
    ['haw', true],
    ['fr-CA', true],
    ['zzz', false],
    ['English', false],
  ])('when %j is a software language, then validity is %s', (value, ok) => {
    expect(isSoftwareLanguage(value)).toBe(ok);
  });

  test.each([
    ['indicator', true],
    ['x-mitre-data-component', true],
    ['abc', true],
    ['ab', false],
    ['Indicator', false],
    ['1abc', false],
    ['x--y', false],
    ['x-y-', false],
    ['x_y', false],
    [`x${'a'.repeat(249)}`, true],
    [`x${'a'.repeat(250)}`, false],
  ])('when %j is a type name, then validity is %s', (value, ok) => {
    expect(isTypeName(value)).toBe(ok);
  });

  test.each([
    ['indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', 4],
    ['file--8E2E2D2B-17D4-5CBF-938F-98EE46B3CD3F', 5],
    ['x-acme--8e2e2d2b-17d4-8cbf-b38f-98ee46b3cd3f', 8],
    ['indicator--8e2e2d2b-17d4-9cbf-938f-98ee46b3cd3f', null],
    ['indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f', null],
    ['indicator--ffffffff-ffff-ffff-ffff-ffffffffffff', null],
    ['indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', null],
    ['indicator--8e2e2d2b17d4-4cbf-938f-98ee46b3cd3f', null],
  ])('when %j is an identifier, then its UUID version is %s', (value, version) => {
    expect(parseIdentifier(value)?.uuid.version ?? null).toBe(version);
  });

  test.each([
    ['extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d', true],
    ['archive-ext', true],
    ['x-acme-scan-ext', true],
    ['extension-definition--60a3c5c5', false],
    ['ab-ext', false],
    ['abc-ext', true],
    ['-ext', false],
    ['x--ext', false],
    ['archive', false],
  ])('when %j is an extensions key, then validity is %s', (value, ok) => {
    expect(isExtensionKey(value)).toBe(ok);
  });

  test.each([
    ['198.51.100.1', 4, true],
    ['198.51.100.0/24', 4, true],
    ['198.51.100.0/33', 4, false],
    ['198.51.100.0/', 4, false],
    ['01.2.3.4', 4, false],
    ['2001:db8::1', 6, true],
    ['::ffff:192.0.2.1', 6, true],
    ['2001:db8::/128', 6, true],
    ['fe80::1%eth0', 6, false],
    ['2001:db8::1', 4, false],
  ] as const)('when %j is an IPv%s value, then validity is %s', (value, version, ok) => {
    expect(ipProblem(value, version) === null).toBe(ok);
  });

  test.each([
    [isDomainName, 'example.com', true],
    [isDomainName, 'example.com.', true],
    [isDomainName, '_dmarc.example.com', true],
    [isDomainName, 'xn--bcher-kva.example', true],
    [isDomainName, 'a..b', false],
    [isDomainName, `${'a'.repeat(64)}.com`, false],
    [isDomainName, 'ex ample.com', false],
    [isEmailAddr, 'jdoe@example.com', true],
    [isEmailAddr, 'j.o.doe+tag@[192.0.2.1]', true],
    [isEmailAddr, 'jdoe@', false],
    [isEmailAddr, '.jdoe@example.com', false],
    [isEmailAddr, 'j doe@example.com', false],
    [isMacAddr, 'd2:fb:49:24:37:18', true],
    [isMacAddr, 'd2-fb-49-24-37-18', false],
    [isHex, 'ab01FF', true],
    [isHex, 'abc', false],
    [isBase64, '', true],
    [isBase64, 'aGk=', true],
    [isBase64, 'aGk', false],
    [isBase64, 'a=Gk', false],
    [isMediaType, 'text/plain; charset=utf-8', true],
    [isMediaType, 'application/vnd.ms-excel', true],
    [isMediaType, 'text/', false],
    [isCharsetName, 'ISO-8859-1', true],
    [isCharsetName, 'utf 8', false],
    [isCpe23, 'cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*', true],
    [isCpe23, 'cpe:2.3:a:vendor:prod\\:uct:1:*:*:*:*:*:*:*', true],
    [isCpe23, 'cpe:2.3:x:microsoft:word:*:*:*:*:*:*:*:*', false],
    [isCpe23, 'cpe:2.3:a:microsoft:word', false],
    [isDictionaryKey, 'SHA-256', true],
    [isDictionaryKey, 'a.b', false],
    [isPropertyName, 'x_mitre_version', true],
    [isPropertyName, 'Xy', false],
    [isCountryCode, 'DE', true],
    [isCountryCode, 'de', true],
    [isCountryCode, 'QQ', false],
  ] as Array<[(v: string) => boolean, string, boolean]>)('when %p checks %j, then it returns %s', (check, value, ok) => {
    expect(check(value)).toBe(ok);
  });

  test.each([
    ['name', true],
    ['external_references.[0].source_name', true],
    ['external_references.[1]', false],
    ['external_references.0', false],
    ['name.[0]', false],
    ['', false],
    ['name.', false],
  ])('when selector %j is resolved, then it resolves: %s', (selector, ok) => {
    const obj = { name: 'x', external_references: [{ source_name: 'a' }] };
    expect(selectorResolves(obj, selector)).toBe(ok);
  });
});
