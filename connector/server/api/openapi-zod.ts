import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Once for the process, before any API schema is built: `.openapi('Name')` registers a schema as a
// component of the generated document, so routes reference it instead of repeating it.
extendZodWithOpenApi(z);

export { z };
