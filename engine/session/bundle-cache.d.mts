// Types of bundle-cache.mjs (plain JavaScript: kernel/bundle.mjs loads it before TypeScript can be).
export declare const PACKAGE_ROOT: string;
export declare function loadEsbuild(): typeof import("esbuild") | undefined;
export declare function sourceHash(dirs: string[], salt: string): string;
export declare function cacheRoot(kind: string): string;
export declare function buildFolder(dir: string): string;
export declare function publish(tmp: string, dir: string): void;
/** esbuild options for a CommonJS bundle (format, defines of import.meta.url/resolve, banner). */
export declare const COMMONJS_BUNDLE: { format: "cjs"; define: Record<string, string>; banner: { js: string } };
