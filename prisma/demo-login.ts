/** The demo organization and its admin's login, as the seed creates them (overridable for real installs). */
export const demoLogin = {
  email: process.env.SWITCHYARD_DEMO_EMAIL ?? "admin@switchyard.local",
  password: process.env.SWITCHYARD_DEMO_PASSWORD ?? "switchyard-demo-1",
  organizationSlug: "demo",
};
