const COUNTRIES = [
  { title: 'Italy', value: 'IT' },
  { title: 'Germany', value: 'DE' },
];
const LEGAL_KEYS = [
  'legalName', 'country', 'line1', 'line2', 'city', 'region', 'postalCode',
  'contactFirstName', 'contactLastName', 'contactEmail', 'contactPhone',
  'supportEmail', 'supportPhone', 'supportWebsite',
];

/** A sample view model for every card template, as the features build them. */
export const fixtures: Record<string, object[]> = {
  welcome: [
    {
      title: 'Welcome',
      body: 'Body text',
      prompt: 'What would you like to do?',
      menu: [
        { title: 'Enroll', verb: 'enrollment.start' },
        { title: 'Help', verb: 'menu.help' },
      ],
    },
  ],
  help: [
    {
      commands: [
        { word: 'help', description: 'List what I can do.' },
        { word: 'status', description: 'Your application.' },
      ],
      menu: [{ title: 'Help', verb: 'menu.help' }],
    },
  ],
  'enrollment-already-enrolled': [{ errors: [] }, { errors: [{ text: 'Something to fix' }] }],
  'enrollment-support-contact': [
    {
      errors: [{ text: 'Please check the highlighted fields:' }, { text: 'Support phone: not a phone number' }],
      labels: { supportEmail: 'Support e-mail', supportPhone: 'Support phone', supportWebsite: 'Support website' },
      values: { supportEmail: 'help@contoso.example', supportPhone: '12', supportWebsite: '' },
    },
  ],
  'enrollment-before-you-begin': [{ errors: [] }],
  'enrollment-tenant': [
    {
      errors: [],
      countries: COUNTRIES,
      tenantKnown: true,
      tenantAsk: false,
      tenantKnownText: 'This chat runs in the tenant 0000.',
      values: { tenantId: '', country: 'IT', globalAdmin: 'false', initialDomain: '', newCountry: '' },
    },
    {
      errors: [{ text: 'Tenant ID: not a GUID' }],
      countries: COUNTRIES,
      tenantKnown: false,
      tenantAsk: true,
      tenantKnownText: '',
      values: { tenantId: 'abc', country: '', globalAdmin: 'true', initialDomain: 'contoso.onmicrosoft.com', newCountry: 'DE' },
    },
  ],
  'enrollment-mpn-sign-in': [{ errors: [], values: { userName: 'admin@contoso.example' } }],
  'enrollment-mpn-select': [
    {
      errors: [{ text: 'That profile is not active.' }],
      rule: 'The profile must be active and in Italy.',
      hasProfiles: true,
      noProfiles: false,
      noneText: '',
      profiles: [
        { title: 'Contoso — MPN ID 4851234, Italy', value: '4851234' },
        { title: 'Contoso DE — MPN ID 4851299, Germany (inactive)', value: '4851299' },
      ],
      selected: '4851234',
    },
    { errors: [], rule: 'Rule', hasProfiles: false, noProfiles: true, noneText: 'No profile for x.', profiles: [], selected: '' },
  ],
  'enrollment-legal': [
    {
      errors: [{ text: 'Postal code: not valid for Italy' }],
      countries: COUNTRIES,
      labels: Object.fromEntries(LEGAL_KEYS.map((k) => [k, `Label of ${k}`])),
      values: Object.fromEntries(LEGAL_KEYS.map((k) => [k, k === 'country' ? 'IT' : `value of ${k}`])),
    },
  ],
  'enrollment-summary': [
    {
      errors: [],
      sections: [
        { section: 'tenant', header: 'Azure AD tenant', editTitle: 'Edit: Azure AD tenant', facts: [{ title: '', value: 'New tenant contoso.onmicrosoft.com (Italy)' }] },
        { section: 'mpn', header: 'MPN ID', editTitle: 'Edit: MPN ID', facts: [{ title: '', value: 'Not given yet' }] },
        {
          section: 'legal',
          header: 'Legal business profile',
          editTitle: 'Edit: Legal business profile',
          facts: [
            { title: 'Legal name', value: 'Contoso S.r.l.' },
            { title: 'Address', value: 'Via Roma 1, 20121 Milano, Italy' },
          ],
        },
      ],
    },
  ],
  'enrollment-verify': [{ intro: 'I sent an e-mail to a@contoso.example.', errors: [{ text: '4 tries left' }] }],
  'enrollment-status': [
    {
      status: 'Status: Rejected',
      company: 'Contoso S.r.l.',
      hasCompany: true,
      timeline: [{ text: '24 Nov 2026, 09:00 UTC — Application started (Giulia)' }],
      rejected: true,
      reasonText: 'Reason: address mismatch',
      approved: false,
      roleText: '',
      inProgress: false,
      awaitingCode: false,
    },
    {
      status: 'Status: Approved',
      company: '',
      hasCompany: false,
      timeline: [],
      rejected: false,
      reasonText: '',
      approved: true,
      roleText: 'You are an Admin agent.',
      inProgress: false,
      awaitingCode: false,
    },
  ],
  'enrollment-review-request': [
    {
      applicationId: '7b8c3f1e-0000-4000-8000-000000000001',
      intro: 'Giulia asks to enroll Contoso.',
      errors: [],
      facts: [{ title: 'Tenant', value: '0000 (Italy)' }],
      open: true,
      decided: false,
      decidedText: '',
      reasonText: '',
      hasReason: false,
      reviewerIds: ['29:reviewer'],
    },
    {
      applicationId: '7b8c3f1e-0000-4000-8000-000000000001',
      intro: 'Giulia asks to enroll Contoso.',
      errors: [],
      facts: [{ title: 'Tenant', value: '0000 (Italy)' }],
      open: false,
      decided: true,
      decidedText: 'Rejected by Anna on 24 Nov 2026.',
      reasonText: 'Reason: no',
      hasReason: true,
      reviewerIds: [],
    },
  ],
  'enrollment-users': [
    {
      intro: 'Roles of Contoso users.',
      notice: 'Roles of Marco updated.',
      hasNotice: true,
      errors: [],
      readOnly: false,
      readOnlyText: '',
      members: [
        {
          index: '0',
          userId: 'aad-1',
          name: 'Giulia',
          rolesLabel: 'Roles of Giulia',
          roles: 'Admin agent',
          adminAgent: 'true',
          salesAgent: 'false',
          adminAgentTitle: 'Admin agent',
          salesAgentTitle: 'Sales agent',
          updateTitle: 'Update: Giulia',
          canEdit: true,
        },
      ],
    },
  ],
};
