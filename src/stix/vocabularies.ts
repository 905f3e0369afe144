/**
 * Open vocabularies of STIX 2.1 §10 and which properties use them. Values outside a
 * vocabulary are legal; they only earn the `open-vocab-value` advisory
 * (docs/validation.md#vocabularies).
 */

function set(words: string): ReadonlySet<string> {
  return new Set(words.trim().split(/\s+/));
}

export const VOCABULARIES: Readonly<Record<string, ReadonlySet<string>>> = {
  'account-type-ov': set('facebook ldap nis openid radius skype tacacs twitter unix windows-local windows-domain'),
  'attack-motivation-ov': set(
    'accidental coercion dominance ideology notoriety organizational-gain personal-gain personal-satisfaction revenge unpredictable',
  ),
  'attack-resource-level-ov': set('individual club contest team organization government'),
  'grouping-context-ov': set('suspicious-activity malware-analysis unspecified'),
  'hash-algorithm-ov': set('MD5 SHA-1 SHA-256 SHA-512 SHA3-256 SHA3-512 SSDEEP TLSH'),
  'identity-class-ov': set('individual group system organization class unknown'),
  'implementation-language-ov': set(
    'applescript bash c c++ c# go java javascript lua objective-c perl php powershell python ruby scala swift typescript visual-basic x86-32 x86-64',
  ),
  'indicator-type-ov': set('anomalous-activity anonymization benign compromised malicious-activity attribution unknown'),
  'industry-sector-ov': set(
    'agriculture aerospace automotive chemical commercial communications construction defense education energy ' +
      'entertainment financial-services government government-emergency-services government-local ' +
      'government-national government-public-services government-regional healthcare hospitality-leisure ' +
      'infrastructure infrastructure-dams infrastructure-nuclear infrastructure-water insurance manufacturing ' +
      'mining non-profit pharmaceuticals retail technology telecommunications transportation utilities',
  ),
  'infrastructure-type-ov': set(
    'amplification anonymization botnet command-and-control control-system exfiltration firewall hosting-malware ' +
      'hosting-target-lists phishing reconnaissance routers-switches staging workstation unknown',
  ),
  'malware-capabilities-ov': set(
    'accesses-remote-machines anti-debugging anti-disassembly anti-emulation anti-memory-forensics anti-sandbox ' +
      'anti-vm captures-input captures-output captures-screen cleans-traces commits-fraud communicates-with-c2 ' +
      'compromises-data-availability compromises-data-integrity compromises-system-availability ' +
      'controls-local-machine degrades-security-software degrades-system-updates determines-c2-server ' +
      'emails-spam escalates-privileges evades-av exfiltrates-data fingerprints-host hides-artifacts ' +
      'hides-executing-code infects-files infects-remote-machines installs-other-components ' +
      'persists-after-system-reboot prevents-artifact-access prevents-artifact-deletion ' +
      'probes-network-environment self-modifies steals-authentication-credentials ' +
      'violates-system-operational-integrity',
  ),
  'malware-result-ov': set('malicious suspicious benign unknown'),
  'malware-type-ov': set(
    'adware backdoor bot bootkit ddos downloader dropper exploit-kit keylogger ransomware remote-access-trojan ' +
      'resource-exploitation rogue-security-software rootkit screen-capture spyware trojan unknown virus webshell wiper worm',
  ),
  'pattern-type-ov': set('stix pcre sigma snort suricata yara'),
  'processor-architecture-ov': set('alpha arm ia-64 mips powerpc sparc x86 x86-64'),
  'region-ov': set(
    'africa eastern-africa middle-africa northern-africa southern-africa western-africa americas ' +
      'latin-america-caribbean south-america caribbean central-america northern-america asia central-asia ' +
      'eastern-asia southern-asia south-eastern-asia western-asia europe eastern-europe northern-europe ' +
      'southern-europe western-europe oceania antarctica australia-new-zealand melanesia micronesia polynesia',
  ),
  'report-type-ov': set(
    'attack-pattern campaign identity indicator intrusion-set malware observed-data threat-actor threat-report tool vulnerability',
  ),
  'threat-actor-role-ov': set('agent director independent infrastructure-architect infrastructure-operator malware-author sponsor'),
  'threat-actor-sophistication-ov': set('none minimal intermediate advanced expert innovator strategic'),
  'threat-actor-type-ov': set(
    'activist competitor crime-syndicate criminal hacker insider-accidental insider-disgruntled nation-state sensationalist spy terrorist unknown',
  ),
  'tool-type-ov': set(
    'denial-of-service exploitation information-gathering network-capture credential-exploitation remote-access vulnerability-scanning unknown',
  ),
  'windows-pebinary-type-ov': set('dll exe sys'),
};

export interface VocabularyUse {
  /** Path from the object: property names; the value there is a string or a list of strings. */
  path: readonly string[];
  vocabulary: string;
}

const MOTIVATIONS: VocabularyUse[] = [
  { path: ['primary_motivation'], vocabulary: 'attack-motivation-ov' },
  { path: ['secondary_motivations'], vocabulary: 'attack-motivation-ov' },
  { path: ['resource_level'], vocabulary: 'attack-resource-level-ov' },
];

/** Per type, the properties drawing on an open vocabulary (STIX 2.1 §4, §6, §10). */
export const VOCABULARY_USES: ReadonlyMap<string, readonly VocabularyUse[]> = new Map<string, VocabularyUse[]>([
  ['grouping', [{ path: ['context'], vocabulary: 'grouping-context-ov' }]],
  [
    'identity',
    [
      { path: ['identity_class'], vocabulary: 'identity-class-ov' },
      { path: ['sectors'], vocabulary: 'industry-sector-ov' },
    ],
  ],
  [
    'indicator',
    [
      { path: ['indicator_types'], vocabulary: 'indicator-type-ov' },
      { path: ['pattern_type'], vocabulary: 'pattern-type-ov' },
    ],
  ],
  ['infrastructure', [{ path: ['infrastructure_types'], vocabulary: 'infrastructure-type-ov' }]],
  ['intrusion-set', MOTIVATIONS],
  ['location', [{ path: ['region'], vocabulary: 'region-ov' }]],
  [
    'malware',
    [
      { path: ['malware_types'], vocabulary: 'malware-type-ov' },
      { path: ['architecture_execution_envs'], vocabulary: 'processor-architecture-ov' },
      { path: ['implementation_languages'], vocabulary: 'implementation-language-ov' },
      { path: ['capabilities'], vocabulary: 'malware-capabilities-ov' },
    ],
  ],
  ['malware-analysis', [{ path: ['result'], vocabulary: 'malware-result-ov' }]],
  ['report', [{ path: ['report_types'], vocabulary: 'report-type-ov' }]],
  [
    'threat-actor',
    [
      { path: ['threat_actor_types'], vocabulary: 'threat-actor-type-ov' },
      { path: ['roles'], vocabulary: 'threat-actor-role-ov' },
      { path: ['sophistication'], vocabulary: 'threat-actor-sophistication-ov' },
      { path: ['personal_motivations'], vocabulary: 'attack-motivation-ov' },
      ...MOTIVATIONS,
    ],
  ],
  ['tool', [{ path: ['tool_types'], vocabulary: 'tool-type-ov' }]],
  ['user-account', [{ path: ['account_type'], vocabulary: 'account-type-ov' }]],
  ['file', [{ path: ['extensions', 'windows-pebinary-ext', 'pe_type'], vocabulary: 'windows-pebinary-type-ov' }]],
]);

/**
 * Relationships the specification suggests (STIX 2.1 §4, "Relationships" of each SDO),
 * as `source relationship_type` mapped to target types. `derived-from`, `duplicate-of`
 * and `related-to` are suggested between any two objects (§5.1.1).
 */
export const SUGGESTED_RELATIONSHIPS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  (
    [
      ['attack-pattern delivers', 'malware'],
      ['attack-pattern targets', 'identity location vulnerability'],
      ['attack-pattern uses', 'malware tool'],
      ['campaign attributed-to', 'intrusion-set threat-actor'],
      ['campaign compromises', 'infrastructure'],
      ['campaign originates-from', 'location'],
      ['campaign targets', 'identity location vulnerability'],
      ['campaign uses', 'attack-pattern infrastructure malware tool'],
      ['course-of-action investigates', 'indicator'],
      ['course-of-action mitigates', 'attack-pattern indicator malware tool vulnerability'],
      ['course-of-action remediates', 'malware vulnerability'],
      ['identity located-at', 'location'],
      ['indicator indicates', 'attack-pattern campaign infrastructure intrusion-set malware threat-actor tool'],
      ['indicator based-on', 'observed-data'],
      ['infrastructure communicates-with', 'infrastructure ipv4-addr ipv6-addr domain-name url'],
      [
        'infrastructure consists-of',
        'infrastructure observed-data artifact autonomous-system directory domain-name email-addr email-message ' +
          'file ipv4-addr ipv6-addr mac-addr mutex network-traffic process software url user-account ' +
          'windows-registry-key x509-certificate',
      ],
      ['infrastructure controls', 'infrastructure malware'],
      ['infrastructure delivers', 'malware'],
      ['infrastructure has', 'vulnerability'],
      ['infrastructure hosts', 'tool malware'],
      ['infrastructure located-at', 'location'],
      ['infrastructure uses', 'infrastructure'],
      ['intrusion-set attributed-to', 'threat-actor'],
      ['intrusion-set compromises', 'infrastructure'],
      ['intrusion-set hosts', 'infrastructure'],
      ['intrusion-set owns', 'infrastructure'],
      ['intrusion-set originates-from', 'location'],
      ['intrusion-set targets', 'identity location vulnerability'],
      ['intrusion-set uses', 'attack-pattern infrastructure malware tool'],
      ['malware authored-by', 'threat-actor intrusion-set'],
      ['malware beacons-to', 'infrastructure'],
      ['malware exfiltrate-to', 'infrastructure'],
      ['malware communicates-with', 'ipv4-addr ipv6-addr domain-name url'],
      ['malware controls', 'malware'],
      ['malware downloads', 'malware tool file'],
      ['malware drops', 'malware tool file'],
      ['malware exploits', 'vulnerability'],
      ['malware originates-from', 'location'],
      ['malware targets', 'identity infrastructure location vulnerability'],
      ['malware uses', 'attack-pattern infrastructure malware tool'],
      ['malware variant-of', 'malware'],
      ['malware-analysis characterizes', 'malware'],
      ['malware-analysis analysis-of', 'malware'],
      ['malware-analysis static-analysis-of', 'malware'],
      ['malware-analysis dynamic-analysis-of', 'malware'],
      ['threat-actor attributed-to', 'identity'],
      ['threat-actor compromises', 'infrastructure'],
      ['threat-actor hosts', 'infrastructure'],
      ['threat-actor owns', 'infrastructure'],
      ['threat-actor impersonates', 'identity'],
      ['threat-actor located-at', 'location'],
      ['threat-actor targets', 'identity location vulnerability'],
      ['threat-actor uses', 'attack-pattern infrastructure malware tool'],
      ['tool delivers', 'malware'],
      ['tool drops', 'malware'],
      ['tool has', 'vulnerability'],
      ['tool targets', 'identity infrastructure location vulnerability'],
      ['tool uses', 'infrastructure'],
    ] as Array<[string, string]>
  ).map(([key, targets]) => [key, set(targets)]),
);

export const GENERIC_RELATIONSHIPS: ReadonlySet<string> = set('derived-from duplicate-of related-to');
