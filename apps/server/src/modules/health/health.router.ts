import { healthContract } from "@hestia/contracts";
import { fromContract } from "../../trpc/from-contract";

export const healthRouter = {
  check: fromContract(healthContract.check, () => ({ status: "ok" as const, timestamp: new Date().toISOString() })),
};
