# gateway: registers itself, and watches the health of the services it routes to
# (registry.required-services). Health answers are filtered by node:read, so it needs that too.
service "gateway" {
  policy = "write"
}
service "ws-service" {
  policy = "read"
}
service "api-service" {
  policy = "read"
}
node_prefix "" {
  policy = "read"
}
