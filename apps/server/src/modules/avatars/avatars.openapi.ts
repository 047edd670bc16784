import type { OpenAPIObject } from "trpc-to-openapi";
import { AVATAR_MAX_BYTES } from "./avatar-image";

type Operation = {
  description?: string;
  requestBody?: { content: Record<string, unknown> };
  responses?: Record<string, unknown>;
};

/**
 * Adds what the avatar routes serve outside the generated REST API: the multipart form of
 * `PATCH /users/profile-picture` and `GET /uploads/avatars/{filename}`.
 */
export function documentAvatarRoutes(document: OpenAPIObject, errorRef: { $ref: string }): void {
  const error = (description: string) => ({ description, content: { "application/json": { schema: errorRef } } });
  const operation = (document.paths?.["/users/profile-picture"] as Record<string, Operation> | undefined)?.patch;
  if (operation?.requestBody) {
    operation.description =
      `Either JSON \`{ profilePictureUrl }\` (an https URL, or null to remove the picture) or multipart/form-data with an ` +
      `\`avatar\` image file (PNG, JPEG, WebP or GIF, at most ${AVATAR_MAX_BYTES / 1024 / 1024} MB and 25 megapixels). The ` +
      "file's type is read from its bytes; it is re-encoded without metadata and scaled to fit 1024×1024.";
    operation.requestBody.content["multipart/form-data"] = {
      schema: {
        type: "object",
        properties: {
          avatar: { type: "string", format: "binary", description: "The image file" },
          profilePictureUrl: { type: "string", description: "Instead of a file: an https URL (empty to remove)" },
        },
      },
    };
    operation.responses ??= {};
    operation.responses["413"] = error("The file is larger than 5 MB");
    operation.responses["415"] = error("The file is not a PNG, JPEG, WebP or GIF image");
  }
  document.paths ??= {};
  document.paths["/uploads/avatars/{filename}"] = {
    get: {
      summary: "An uploaded avatar (public; cacheable forever, names are never reused)",
      tags: ["users"],
      parameters: [
        { name: "filename", in: "path", required: true, schema: { type: "string", pattern: "^[0-9a-f]{32}\\.(png|jpg|webp)$" } },
      ],
      responses: {
        "200": {
          description: "The image",
          content: Object.fromEntries(
            ["image/png", "image/jpeg", "image/webp"].map((type) => [type, { schema: { type: "string", format: "binary" } }]),
          ),
        },
        "404": error("No such avatar"),
      },
    },
  };
}
