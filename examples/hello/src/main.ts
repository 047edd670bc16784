import { hello } from "./hello";

// Usage: pnpm --filter @hestia/example-hello start [baseUrl] [username] [password]
const [baseUrl = "http://localhost:4000", username = "hello_world", password = "hello-password"] = process.argv.slice(2);
const profile = await hello(baseUrl, username, password);
console.log(`Logged in as ${profile.username} (#${profile.id}); bio: "${profile.bio}"`);
