export { createAuth, passwordPolicy, type Auth, type AuthOptions, type AuthSession } from "./auth";
export { roles, roleAtLeast, isRole, roleDescriptions, type Role } from "./roles";
export { throttlePolicy } from "./sign-in-throttle";
