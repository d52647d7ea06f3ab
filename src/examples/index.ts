export {
  DEFAULT_EXAMPLE_HOST,
  DEFAULT_EXAMPLE_PORT,
  EXAMPLE_SERVICES_ORIGIN,
  startExampleServices,
} from './example-services.js';
export type { ExampleServices, ExampleServicesOptions } from './example-services.js';
