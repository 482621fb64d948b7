# The Consul agent's own token (acl.tokens.agent in docker-compose.yml): it registers its node
# (started with -node=consul) and keeps its services in sync with the catalog.
node "consul" {
  policy = "write"
}
service_prefix "" {
  policy = "read"
}
