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
};
