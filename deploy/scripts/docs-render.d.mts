/** Types of docs-render.mjs, for the TypeScript tests that import it. */
export declare function renderAsyncApiYaml(document: unknown): string;
export declare function renderOpenApiJson(document: unknown): string;
export interface OpenApiService {
  name: string;
  description: string;
  module: string;
  loadConfig: string;
  options: { uploadLimit?: number; bodyLimit?: number };
}
export declare const openApiServices: OpenApiService[];
