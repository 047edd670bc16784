import { pipeline } from "node:stream/promises";
import { contract } from "@hestia/contracts";
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Router } from "express";
import multer from "multer";
import type { Deps } from "../../deps";
import { AppError, validationError } from "../../errors";
import { contextFromRequest } from "../../http/context";
import { setProfilePictureUrl } from "../users/users.service";
import { AVATAR_MAX_BYTES, avatarContentType, type ProcessedAvatar } from "./avatar-image";
import { uploadAvatar } from "./avatars.service";

/** Multer's failures as API errors: a file over the limit is 413, anything else malformed is 400. */
const multerErrors: ErrorRequestHandler = (error, _req, _res, next) => {
  if (!(error instanceof multer.MulterError)) return next(error);
  if (error.code === "LIMIT_FILE_SIZE")
    return next(new AppError("PAYLOAD_TOO_LARGE", `The avatar must be at most ${AVATAR_MAX_BYTES / 1024 / 1024} MB`));
  if (error.code === "LIMIT_UNEXPECTED_FILE")
    return next(new AppError("BAD_REQUEST", `Unexpected file field "${error.field}": send the image as "avatar"`));
  next(new AppError("BAD_REQUEST", "Malformed multipart body"));
};

/**
 * `PATCH /users/profile-picture` as multipart/form-data (an `avatar` file, or a `profilePictureUrl`
 * field), and `GET /uploads/avatars/:filename`. JSON requests to the same path go on to the REST API.
 */
export function avatarRoutes(deps: Deps): Router {
  const router = express.Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: AVATAR_MAX_BYTES, files: 1, fields: 4, parts: 5, fieldSize: 4096 },
  });

  const multipartOnly: RequestHandler = (req, _res, next) => next(req.is("multipart/form-data") ? undefined : "route");
  // The token is checked before the body is read: nobody uploads 5 MB without an account.
  // (Express 5 passes a rejected handler's error on to the error middleware by itself.)
  const authenticate: RequestHandler = async (req, res, next) => {
    res.locals.actor = await deps.tokens.requireActor(contextFromRequest(deps, req).token);
    next();
  };

  router.patch("/users/profile-picture", multipartOnly, authenticate, upload.single("avatar"), async (req: Request, res) => {
    const { request } = contextFromRequest(deps, req);
    const actor = res.locals.actor;
    if (req.file) {
      res.json(await uploadAvatar(deps, actor, request, req.file.buffer));
      return;
    }
    const fields = (req.body ?? {}) as Record<string, unknown>;
    if (!("profilePictureUrl" in fields)) {
      throw new AppError("BAD_REQUEST", 'Send an image file in the "avatar" field, or a "profilePictureUrl"');
    }
    const parsed = contract.users.setProfilePictureUrl.input.safeParse({ profilePictureUrl: fields.profilePictureUrl || null });
    if (!parsed.success) throw validationError(parsed.error.issues);
    res.json(await setProfilePictureUrl(deps, actor, request, parsed.data.profilePictureUrl));
  });
  router.use("/users/profile-picture", multerErrors);

  router.get("/uploads/avatars/:filename", async (req, res, next) => {
    const file = await deps.avatars.open(req.params.filename);
    if (!file) return next();
    const extension = req.params.filename.split(".").pop() as ProcessedAvatar["extension"];
    res.setHeader("Content-Type", avatarContentType[extension]);
    res.setHeader("Content-Length", String(file.size));
    res.setHeader("X-Content-Type-Options", "nosniff");
    // Names are random and never reused: the file at a name never changes.
    res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
    res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    await pipeline(file.stream, res);
  });
  return router;
}
