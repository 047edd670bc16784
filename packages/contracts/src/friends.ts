import { z } from "zod";
import { EmptySchema, IdSchema, SuccessSchema, TimestampSchema } from "./common";
import { endpoint } from "./endpoint";
import { ProfileSchema } from "./users";

/** The other user's profile in a pending friend request, and when the request was sent. */
export const FriendRequestProfileSchema = ProfileSchema.extend({ requestedAt: TimestampSchema }).meta({
  id: "FriendRequestProfile",
});
export type FriendRequestProfile = z.infer<typeof FriendRequestProfileSchema>;

/** A path parameter naming the other user. */
export const FriendIdInputSchema = z.object({ id: IdSchema });

export const friendsContract = {
  list: endpoint({
    method: "GET",
    path: "/friends",
    input: EmptySchema,
    output: z.array(ProfileSchema),
    auth: true,
    summary: "Your friends' profiles, ordered by username",
    tags: ["friends"],
    errors: [],
  }),
  remove: endpoint({
    method: "DELETE",
    path: "/friends/{id}",
    input: FriendIdInputSchema,
    output: SuccessSchema,
    auth: true,
    summary: "Remove a friend",
    tags: ["friends"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND"],
  }),
  sendRequest: endpoint({
    method: "POST",
    path: "/friends/request/{id}",
    input: FriendIdInputSchema,
    output: SuccessSchema,
    auth: true,
    summary: "Send a friend request",
    description: "Sending it again while it is pending changes nothing. If that user already asked you, you become friends at once.",
    tags: ["friends"],
    errors: ["BAD_REQUEST", "VALIDATION_ERROR", "NOT_FOUND", "ALREADY_FRIENDS", "RATE_LIMITED"],
  }),
  incomingRequests: endpoint({
    method: "GET",
    path: "/friends/requests",
    input: EmptySchema,
    output: z.array(FriendRequestProfileSchema),
    auth: true,
    summary: "Pending requests sent to you: the senders' profiles, newest first",
    tags: ["friends"],
    errors: [],
  }),
  outgoingRequests: endpoint({
    method: "GET",
    path: "/friends/requests/outgoing",
    input: EmptySchema,
    output: z.array(FriendRequestProfileSchema),
    auth: true,
    summary: "Pending requests you sent: the receivers' profiles, newest first",
    tags: ["friends"],
    errors: [],
  }),
  acceptRequest: endpoint({
    method: "POST",
    path: "/friends/accept/{id}",
    input: FriendIdInputSchema,
    output: SuccessSchema,
    auth: true,
    summary: "Accept the pending request from user `id`",
    tags: ["friends"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND"],
  }),
  declineRequest: endpoint({
    method: "POST",
    path: "/friends/decline/{id}",
    input: FriendIdInputSchema,
    output: SuccessSchema,
    auth: true,
    summary: "Decline the pending request from user `id`",
    tags: ["friends"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND"],
  }),
  cancelRequest: endpoint({
    method: "DELETE",
    path: "/friends/requests/{id}",
    input: FriendIdInputSchema,
    output: SuccessSchema,
    auth: true,
    summary: "Withdraw the request you sent to user `id`",
    tags: ["friends"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND"],
  }),
};
