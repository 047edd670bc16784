import { afterAll, beforeAll, beforeEach } from "vitest";
import { type FakeFcm, startFakeFcm } from "./fake-fcm";
import { startServer, type TestServer } from "./helpers";

/**
 * For a test file about push notifications: a server whose pushes go to a fake FCM, started before the
 * file's tests and closed after them; every test starts with FCM accepting each message. Read `server` and
 * `fcm` inside the tests (they are set once the file's setup ran).
 */
export function serverWithFakeFcm(): { server: TestServer; fcm: FakeFcm } {
  const setup = {} as { server: TestServer; fcm: FakeFcm };
  beforeAll(async () => {
    setup.fcm = await startFakeFcm();
    setup.server = await startServer(
      { FIREBASE_SERVICE_ACCOUNT: setup.fcm.serviceAccount },
      { firebase: { httpAgent: setup.fcm.agent, credential: setup.fcm.credential } },
    );
  });
  afterAll(async () => {
    await setup.server?.close();
    await setup.fcm?.close();
  });
  beforeEach(() => setup.fcm.behave(() => "ok"));
  return setup;
}
