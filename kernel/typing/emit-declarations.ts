// Background job started by a kernel whose engine declarations are out of date: emits them into
// the cache for the next kernel start (see declarationsForKernel).

import { ensureEngineDeclarations } from "./engine-declarations";

await ensureEngineDeclarations();
