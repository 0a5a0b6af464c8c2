/** The layers of DESIGN.md: dependencies point inwards (http -> bot -> app -> domain); storage implements app's ports; only the composition root knows every concrete class. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports nothing but zod, Node built-ins and itself.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '^node_modules/zod/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'app-knows-only-domain',
      comment: 'Use cases depend on the domain and on ports, never on the SDK, the web server, the store or the cards.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: ['^src/(bot|http|storage|cards)/', '^src/botbuilder\\.ts$', '^node_modules/(botbuilder|botframework-|restify|keyv|@keyv/)'] },
    },
    {
      name: 'bot-not-http-or-storage',
      comment: 'The bot layer does not reach into the web server or the store.',
      severity: 'error',
      from: { path: '^src/bot/' },
      to: { path: '^src/(http|storage)/' },
    },
    {
      name: 'only-the-composition-root-imports-storage',
      comment: 'storage/ implements ports; only assistant.ts (and the command-line tools beside it) build it.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/storage/', '^src/assistant\\.ts$', '^src/main\\.ts$', '^src/rotate-signing-key\\.ts$'] },
      to: { path: '^src/storage/' },
    },
    {
      name: 'storage-below-bot-and-http',
      comment: 'The store does not depend on the layers that use it.',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: '^src/(bot|http|cards)/' },
    },
    {
      name: 'cards-render-only',
      comment: 'The card renderer knows the catalogs, not the journeys.',
      severity: 'error',
      from: { path: '^src/cards/' },
      to: { path: '^src/(app|bot|http|storage)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.d.ts'] },
  },
};
