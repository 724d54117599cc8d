import { z } from 'zod';

// zod probes for eval with `Function('')`, which the content security policy refuses (and reports);
// its interpreter needs no eval. Imported first by main.tsx, before any module parses with a schema.
z.config({ jitless: true });
