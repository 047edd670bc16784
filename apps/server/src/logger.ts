import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };

/**
 * JSON lines: ISO time, level by name, message. Lines written while handling a request carry its `reqId`
 * (http/request-id.ts), those of a socket event its `socketId` and `userId` (socket/socket-logger.ts).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ["req.headers.authorization", "*.password", "*.token"], censor: "[redacted]" },
    },
    destination,
  );
}
