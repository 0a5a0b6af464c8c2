import { apiAdapter, partnerCenterContract, reference } from './harness.js';

partnerCenterContract('embedded reference adapter', reference);
partnerCenterContract('API adapter against the local stand-in', apiAdapter);
