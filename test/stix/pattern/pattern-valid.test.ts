import { checkPattern } from '../../../src/stix/pattern';

const SHA256 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f';
const SHA512 = 'a'.repeat(64) + 'B'.repeat(64);

/** Patterns that must draw no finding at all, not even an advisory. */
const VALID: Array<[string, string]> = [
  // Every comparison operator (STIX 2.1 §9.6).
  ['= compares an int', '[file:size = 1280]'],
  ['== compares an int', '[file:size == 1280]'],
  ['!= compares an int', '[file:size != 1280]'],
  ['<> compares an int', '[file:size <> 1280]'],
  ['< compares an int', '[file:size < 1024]'],
  ['<= compares an int', '[file:size <= 1024]'],
  ['> compares an int', '[file:size > 1024]'],
  ['>= compares an int', '[file:size >= 1024]'],
  ['IN lists strings', "[file:name IN ('a.exe', 'b.exe', 'c.dll')]"],
  ['IN lists mixed literal kinds', "[file:size IN (1, 2.5, 'x', true, h'00', b'AA==', t'2020-01-01T00:00:00Z')]"],
  ['IN has an empty list', '[file:size IN ()]'],
  ['NOT IN negates a set test', "[file:name NOT IN ('a.exe')]"],
  ['LIKE uses SQL wildcards', "[file:name LIKE 'invoice%.pdf_']"],
  ['MATCHES takes a regex with an escaped backslash', String.raw`[file:name MATCHES '^Final Report.+\\.exe$']`],
  ['ISSUBSET takes an IPv4 CIDR', "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"],
  ['ISSUPERSET takes an IPv6 CIDR', "[ipv6-addr:value ISSUPERSET '2001:db8::/32']"],
  ['NOT ISSUBSET takes a plain address', "[ipv4-addr:value NOT ISSUBSET '10.0.0.1']"],
  ['EXISTS tests a path', '[EXISTS file:hashes.MD5]'],
  ['NOT EXISTS tests a path', '[NOT EXISTS windows-registry-key:values]'],
  ['NOT precedes =', "[file:name NOT = 'a']"],
  ['NOT precedes >', '[file:size NOT > 10]'],
  // Every literal type (docs/validation.md#pattern-grammar).
  ['an int has a sign', '[network-traffic:src_port = +443]'],
  ['a float has digits on both sides', "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]"],
  ['a float starts with the dot and a sign', '[x-acme-score:value >= -.5]'],
  ['a timestamp has no fraction', "[file:ctime = t'2014-01-13T07:03:17Z']"],
  ['a timestamp is a leap second on a leap day', "[file:mtime < t'2016-02-29T23:59:60.123456Z']"],
  ['a hex literal mixes case', "[file:magic_number_hex = h'ffD8']"],
  ['a hex literal is empty', "[file:magic_number_hex != h'']"],
  ['a binary literal has one pad', "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']"],
  ['a binary literal has two pads', "[artifact:payload_bin = b'YQ==']"],
  ['a binary literal has no pad', "[artifact:payload_bin = b'YWJj']"],
  ['a boolean is true', '[email-message:is_multipart = true]'],
  ['a boolean is false', '[process:is_hidden != false]'],
  ['a string escapes backslashes', String.raw`[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\Software\\foo']`],
  ['a string escapes a quote', String.raw`[file:name = 'O\'Brien.doc']`],
  ['a string is empty', "[file:name = '']"],
  ['a string holds non-BMP characters', "[file:name = 'résumé 📄.pdf']"],
  // Qualifiers and their combinations.
  ['WITHIN takes an int', "[file:name = 'a'] WITHIN 5 SECONDS"],
  ['WITHIN takes a float', "[file:name = 'a'] WITHIN 2.5 SECONDS"],
  ['REPEATS takes an int', "[file:name = 'a'] REPEATS 3 TIMES"],
  [
    'START precedes STOP',
    "[file:name = 'a'] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z'",
  ],
  [
    'STOP is later by a fraction digit beyond milliseconds',
    "[file:name = 'a'] START t'2016-06-01T01:30:00.1Z' STOP t'2016-06-01T01:30:00.1000001Z'",
  ],
  ['REPEATS and WITHIN combine', "[network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS"],
  [
    'all three qualifier kinds sit on one unit',
    "[file:name = 'a'] REPEATS 2 TIMES WITHIN 60 SECONDS START t'2016-01-01T00:00:00Z' STOP t'2016-01-02T00:00:00Z'",
  ],
  ['WITHIN repeats on an outer parenthesised level', "([file:name = 'a'] WITHIN 5 SECONDS) WITHIN 10 SECONDS"],
  ['a FOLLOWEDBY group has a qualifier', "([file:name = 'a'] FOLLOWEDBY [file:name = 'b']) WITHIN 300 SECONDS"],
  // Observation operators and precedence.
  ['AND joins observations of different types', "[ipv4-addr:value = '198.51.100.1'] AND [network-traffic:dst_port = 443]"],
  ['OR joins observations', "[file:name = 'a'] OR [process:pid = 4]"],
  ['FOLLOWEDBY chains three observations', "[file:name = 'a'] FOLLOWEDBY [file:name = 'b'] FOLLOWEDBY [file:name = 'c']"],
  ['AND, OR and FOLLOWEDBY mix', "[file:name = 'a'] AND [url:value = 'b'] OR [file:size = 1] FOLLOWEDBY [mutex:name = 'm']"],
  // Comparison expressions and the single-type rule.
  ['OR spans two types inside brackets', "[domain-name:value = 'example.com' OR ipv4-addr:value = '198.51.100.1']"],
  ['a parenthesised OR is ANDed with the same type', "[(file:name = 'pdf.exe' OR file:size = 371712) AND file:mime_type = 'application/pdf']"],
  [
    'an OR of two types is ANDed with one of them',
    "[(ipv4-addr:value = '1.2.3.4' OR domain-name:value = 'x.example') AND ipv4-addr:value != '5.6.7.8']",
  ],
  // Object paths.
  ['a quoted hash name takes SHA-256', `[file:hashes.'SHA-256' = '${SHA256}']`],
  ['a quoted hash name takes SHA3-512', `[file:hashes.'SHA3-512' = '${SHA512}']`],
  ['SSDEEP takes its alphabet', "[file:hashes.SSDEEP = '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C']"],
  ['TLSH takes 70 hex digits', `[file:hashes.TLSH = '${'0123456789'.repeat(7)}']`],
  ['TLSH takes T1 and 70 hex digits (TLSH 4.x)', `[file:hashes.TLSH = 'T1${'0123456789'.repeat(7)}']`],
  ['a hash IN list holds only well-formed values', `[file:hashes.'SHA-1' IN ('${'a'.repeat(40)}', '${'F'.repeat(40)}')]`],
  ['a list index is a number', "[email-message:body_multipart[0].body_raw_ref.name = 'a.exe']"],
  ['a list index is *', "[domain-name:resolves_to_refs[*].value = '198.51.100.1/32']"],
  ['the first step is quoted', "[file:'name' = 'a']"],
  ['dictionary keys with hyphens are quoted', "[network-traffic:extensions.'http-request-ext'.request_header.'Accept-Encoding' = 'gzip']"],
  ['a custom x_ property sits on an SCO', '[file:x_acme_score > 3]'],
  ['a custom type uses any property name', "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']"],
  // White space, comments, nesting.
  ['block and line comments surround the pattern', "/* leading */ [file:name /* inner */ = 'a'] // trailing"],
  ['CR LF, CR and LF separate lines', "[file:name = 'a']\r\nAND\r[file:size = 1]\n// done"],
  ['Unicode spaces separate tokens', "\u00a0[\u2003file:name\u3000=\u205f'a'\u202f]\u2028AND\u0085[file:size\u1680=\u20001]\u2029"],
  ['spaces are misplaced inside parentheses', '( [(network-traffic:dst_port IN(443,6443,8443) AND network-traffic:src_packets != 0) ])'],
  ['no spaces separate tokens', '[file:size>=1]AND[file:size<=9]'],
  ['parentheses nest around an observation', "(((([file:name = 'a']))))"],
  ['parentheses nest inside brackets', "[((file:name = 'a'))]"],
  ['nesting reaches exactly 100 levels', `${'('.repeat(99)}[file:name = 'a']${')'.repeat(99)}`],
  // Real-world patterns (OASIS STIX 2.1 examples and patterning specification).
  [
    'an X.509 pattern ANDs two properties of one type',
    "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
  ],
  ['a lower-case md5 hash name is matched', "[file:hashes.md5 = '001dd76872d80801692ff942308c64e6']"],
  ['a subject regex has a character class', "[email-message:subject MATCHES '^[IMPORTANT] Please Review Before']"],
  ['an IPv4 value is a CIDR block', "[ipv4-addr:value = '112.64.0.0/15']"],
  [
    'user accounts are ANDed across observations',
    "[user-account:account_type = 'unix' AND user-account:user_id = '1007'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008']",
  ],
  ['a payload regex escapes bytes', String.raw`[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\xd4\\xc3\\xb2\\xa1']`],
  [
    'a FOLLOWEDBY has no space before a string',
    "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES'^.+>-add$'] WITHIN 300 SECONDS",
  ],
];

describe('checkPattern on valid patterns', () => {
  it.each(VALID)('when %s, then no finding is reported', (_name, pattern) => {
    expect(checkPattern(pattern)).toEqual([]);
  });
});
