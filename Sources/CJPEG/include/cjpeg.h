// Placeholder until the JPEG shim lands.
