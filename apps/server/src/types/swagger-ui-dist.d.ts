declare module "swagger-ui-dist" {
  /** Absolute path of the folder holding Swagger UI's built assets. */
  export function getAbsoluteFSPath(): string;
}
