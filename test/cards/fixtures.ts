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
  'provider-directory': [
    {
      countries: [{ title: 'Any country/region', value: '' }, ...COUNTRIES],
      values: { country: 'IT', keyword: 'azure' },
      summary: '2 providers found, page 1 of 1.',
      providers: [
        { tenantId: 't1', name: 'Contoso Distribution', serves: 'Serves: Italy', services: 'Services: Azure', support: 'Support: 24/7', contact: 'Contact: a@b.example' },
      ],
      hasPrevious: true,
      hasNext: true,
      previous: { country: 'IT', keyword: 'azure', page: '1' },
      next: { country: 'IT', keyword: 'azure', page: '3' },
    },
    { countries: COUNTRIES, values: { country: '', keyword: '' }, summary: 'No provider matches.', providers: [], hasPrevious: false, hasNext: false, previous: {}, next: {} },
  ],
  'provider-request': [
    {
      linkId: 'p|r',
      intro: 'Contoso Italia asks to work with Contoso Distribution.',
      facts: [{ title: 'MPN ID', value: '4851234' }],
      open: true,
      decided: false,
      decidedText: '',
      hasReason: false,
      reasonText: '',
      errors: [],
      approverIds: ['29:approver'],
    },
    {
      linkId: 'p|r',
      intro: 'Contoso Italia asks to work with Contoso Distribution.',
      facts: [{ title: 'MPN ID', value: '4851234' }],
      open: false,
      decided: true,
      decidedText: 'Declined by Anna on 24 Nov 2026.',
      hasReason: true,
      reasonText: 'Reason: outside our region',
      errors: [],
      approverIds: [],
    },
  ],
  'provider-consent': [
    { linkId: 'p|r', intro: 'Contoso is ready.', grants: 'It can submit orders.', checkbox: 'I understand and authorize.', canAuthorize: true, adminOnly: false, errors: [{ text: 'Tick the box.' }] },
    { linkId: 'p|r', intro: 'Contoso is ready.', grants: 'It can submit orders.', checkbox: 'I understand.', canAuthorize: false, adminOnly: true, errors: [] },
  ],
  'provider-list': [
    { title: 'Indirect providers', empty: false, emptyText: '', items: [{ linkId: 'p|r', name: 'Contoso Distribution', detail: 'Since 24 Nov 2026' }] },
    { title: 'Indirect providers', empty: true, emptyText: 'You have no indirect provider yet.', items: [] },
  ],
  'reseller-list': [
    {
      search: 'contoso',
      summary: '12 in all, page 2 of 3.',
      items: [{ linkId: 'p|r', name: 'Contoso Italia', detail: 'MPN ID 4851234 · Since 24 Nov 2026' }],
      hasPrevious: true,
      hasNext: true,
      previous: { search: 'contoso', page: '1' },
      next: { search: 'contoso', page: '3' },
    },
  ],
  'provider-end-confirm': [{ linkId: 'p|r', text: 'End the relationship?' }],
  'provider-history': [{ title: 'History', entries: [{ text: '24 Nov 2026 — Request to connect (Giulia)' }] }],
  'provider-customers': [
    { title: 'Customers shared', customers: [], empty: true, hasCustomers: false, emptyText: 'No customers are shared yet.' },
    { title: 'Customers shared', customers: [{ name: 'Litware', detail: 'litware.example' }], empty: false, hasCustomers: true, emptyText: '' },
  ],
  'provider-invite': [{ intro: 'Invite a reseller.', errors: [{ text: 'E-mail: not valid' }], values: { email: 'x', partnerId: '' } }],
  'provider-invite-draft': [
    {
      intro: 'Send this e-mail.',
      to: 'partners@reseller.example',
      subject: 'Contoso invites you',
      body: 'Hello,\n\nopen https://assistant.example/providers/invitations/abc.def',
      link: 'https://assistant.example/providers/invitations/abc.def',
      posted: true,
      postedText: 'I also sent the card.',
      mailto: 'mailto:partners%40reseller.example?subject=Contoso%20invites%20you&body=Hello',
    },
  ],
  'provider-register': [
    { errors: [], values: { name: '', partnerId: '', countries: '', services: '', support: '', contactEmail: '', approverIds: '' } },
  ],
  'provider-notice': [{ title: 'Request declined', body: 'Contoso declined.', buttonTitle: 'Search', verb: 'provider.find' }],
};
