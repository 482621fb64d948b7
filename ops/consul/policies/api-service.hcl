# api-service: registers itself; it looks up no other service.
service "api-service" {
  policy = "write"
}
