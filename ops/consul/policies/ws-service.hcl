# ws-service: registers itself (every replica under the same name), and finds api-service
# (ws.log-service) through discovery. Health answers are filtered by node:read, so it needs that too.
service "ws-service" {
  policy = "write"
}
service "api-service" {
  policy = "read"
}
node_prefix "" {
  policy = "read"
}
