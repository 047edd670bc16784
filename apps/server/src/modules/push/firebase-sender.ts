import { randomBytes } from "node:crypto";
import { Agent } from "node:https";
import { applicationDefault, type Credential, cert, deleteApp, initializeApp } from "firebase-admin/app";
import { type BatchResponse, getMessaging, type MulticastMessage } from "firebase-admin/messaging";
import type { PushConfig } from "../../config";

/** What push notifications need from Firebase Cloud Messaging. */
export interface PushSender {
  readonly projectId: string | undefined;
  /** Sends one notification to up to 500 device tokens; the response lists each token's outcome, in order. */
  sendEachForMulticast(message: MulticastMessage): Promise<BatchResponse>;
  close(): Promise<void>;
}

/** Ways to point the Firebase client elsewhere: its HTTPS agent and credential (tests use a local fake). */
export interface FirebaseOverrides {
  httpAgent?: Agent;
  credential?: Credential;
}

/**
 * A Firebase app of its own (so it never clashes with the host application's) sending through the FCM
 * v1 API. Requests go over HTTP/1.1 with a keep-alive agent: the one transport firebase-admin routes
 * through `httpAgent`, for the OAuth token and the sends alike.
 */
export function createFirebaseSender(config: NonNullable<PushConfig>, overrides: FirebaseOverrides = {}): PushSender {
  const httpAgent = overrides.httpAgent ?? new Agent({ keepAlive: true, maxSockets: 32 });
  const serviceAccount = "serviceAccount" in config ? config.serviceAccount : undefined;
  const credential =
    overrides.credential ??
    (serviceAccount
      ? cert(
          { projectId: serviceAccount.project_id, clientEmail: serviceAccount.client_email, privateKey: serviceAccount.private_key },
          httpAgent,
        )
      : applicationDefault(httpAgent));
  const app = initializeApp(
    { credential, httpAgent, projectId: serviceAccount?.project_id },
    `hestia-push-${randomBytes(4).toString("hex")}`,
  );
  const messaging = getMessaging(app);
  messaging.enableLegacyHttpTransport();
  return {
    projectId: serviceAccount?.project_id,
    sendEachForMulticast: (message) => messaging.sendEachForMulticast(message),
    async close() {
      await deleteApp(app);
      if (!overrides.httpAgent) httpAgent.destroy();
    },
  };
}
