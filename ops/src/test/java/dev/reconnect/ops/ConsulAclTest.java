package dev.reconnect.ops;

import static dev.reconnect.ops.Compose.environment;
import static dev.reconnect.ops.Deployment.ACL_JOB;
import static dev.reconnect.ops.Deployment.CONSUL_TOKEN_VARIABLE;
import static dev.reconnect.ops.Project.ACL_SCRIPT;
import static dev.reconnect.ops.Project.POLICY_DIR;
import static dev.reconnect.ops.Project.SHARED_SERVICE_DEFAULTS;
import static dev.reconnect.ops.Values.map;
import static dev.reconnect.ops.Values.str;
import static dev.reconnect.ops.Values.strings;

import dev.reconnect.ops.Check.Mistake;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Consul runs with ACLs and default deny, and each service presents a token of its own, created by the consul-acl
 * job, whose policy (ops/consul/policies) grants write on its own name only and read on what it looks up.
 */
class ConsulAclTest extends ProjectCheckTest {

    static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** A token that is neither Consul's nor any the job creates. */
    static final String FOREIGN_TOKEN = "11111111-1111-4111-8111-111111111111";

    /** Which property of a module's application.yml names the services it looks up in Consul. */
    static final Map<String, String> LOOKUP_PROPERTIES = Map.of("gateway", "registry.required-services",
            "ws-service", "ws.log-service");

    @Override
    List<Mistake> mistakes() {
        return List.of(
                CONSUL_ACL.mistake("ACLs default to allow",
                        p -> p.editConsulConfig(c -> map(c.get("acl")).put("default_policy", "allow"))),
                CONSUL_ACL.mistake("ACLs disabled", p -> p.editConsulConfig(c -> map(c.get("acl")).put("enabled", false))),
                CONSUL_ACL.mistake("no ACL configuration", p -> p.env("consul").remove("CONSUL_LOCAL_CONFIG")),
                CONSUL_ACL.mistake("consul-acl works with another management token than Consul's",
                        p -> p.env(ACL_JOB).put("CONSUL_HTTP_TOKEN", FOREIGN_TOKEN)),
                CONSUL_ACL.mistake("agent token not the one consul-acl creates",
                        p -> p.editConsulConfig(c -> map(map(c.get("acl")).get("tokens")).put("agent", FOREIGN_TOKEN))),
                CONSUL_ACL.mistake("Consul back to an in-memory dev agent",
                        p -> p.service("consul").put("command", List.of("agent", "-dev", "-client=0.0.0.0"))),
                CONSUL_ACL.mistake("Consul state not on a named volume", p -> p.service("consul").remove("volumes")),
                SERVICE_TOKENS.mistake("gateway without a Consul token", p -> p.env("gateway").remove(CONSUL_TOKEN_VARIABLE)),
                SERVICE_TOKENS.mistake("two services share a token",
                        p -> p.env("ws-service").put(CONSUL_TOKEN_VARIABLE, p.env("api-service").get(CONSUL_TOKEN_VARIABLE))),
                SERVICE_TOKENS.mistake("a service given the management token",
                        p -> p.env("api-service").put(CONSUL_TOKEN_VARIABLE, p.env(ACL_JOB).get("CONSUL_HTTP_TOKEN"))),
                SERVICE_TOKENS.mistake("a token the job never creates",
                        p -> p.env("gateway").put(CONSUL_TOKEN_VARIABLE, FOREIGN_TOKEN)),
                SERVICE_TOKENS.mistake("the job no longer creates ws-service's token",
                        p -> p.aclScript = p.aclScript.replaceAll("(?m)^apply ws-service .*$", "")),
                SERVICE_TOKENS.mistake("gateway's policy cannot read ws-service",
                        p -> p.editPolicy("gateway", t -> t.replace("\"ws-service\"", "\"nothing\""))),
                SERVICE_TOKENS.mistake("ws-service's policy cannot read api-service (its log)",
                        p -> p.editPolicy("ws-service", t -> t.replace("service \"api-service\"", "service \"other\""))),
                SERVICE_TOKENS.mistake("policy without node read for a service that reads health",
                        p -> p.editPolicy("gateway", t -> t.replace("node_prefix", "# node_prefix"))),
                SERVICE_TOKENS.mistake("api-service may write every service",
                        p -> p.editPolicy("api-service", t -> t + "service_prefix \"\" {\n  policy = \"write\"\n}\n")),
                SERVICE_TOKENS.mistake("a service policy with key-value write",
                        p -> p.editPolicy("ws-service", t -> t + "key_prefix \"\" { policy = \"write\" }\n")),
                SERVICE_TOKENS.mistake("gateway's policy missing", p -> p.policies.remove("gateway")),
                SERVICE_TOKENS.mistake("application does not read CONSUL_TOKEN",
                        p -> p.appConfigs.get("api-service").placeholders().remove(CONSUL_TOKEN_VARIABLE)));
    }

    static final Check CONSUL_ACL = new Check("Consul ACLs", ConsulAclTest::checkConsulAcl);

    /**
     * Consul enforces ACLs with default deny (so a request without a valid token can read and write nothing), the
     * management and agent tokens in its configuration are the ones the ACL job works with and creates, and its ACL
     * state survives a restart (a -dev agent keeps it in memory: every service would be locked out after one).
     */
    static List<String> checkConsulAcl(Project p) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> consul = p.services().get("consul");
        Map<String, Object> job = p.services().get(ACL_JOB);
        if (consul == null || job == null) {
            return List.of("services consul and " + ACL_JOB + " are both needed, have " + p.services().keySet());
        }
        Map<String, Object> config = p.consulConfig();
        if (config == null) {
            return List.of("consul: CONSUL_LOCAL_CONFIG must hold Consul's ACL configuration as JSON, is "
                    + environment(consul).get("CONSUL_LOCAL_CONFIG"));
        }
        Map<String, Object> acl = map(config.get("acl"));
        if (!Boolean.TRUE.equals(acl.get("enabled"))) {
            problems.add("consul: acl.enabled must be true, is " + acl.get("enabled"));
        }
        if (!"deny".equals(acl.get("default_policy"))) {
            problems.add("consul: acl.default_policy must be deny (anything no token grants is refused), is "
                    + acl.get("default_policy"));
        }
        Map<String, Object> tokens = map(acl.get("tokens"));
        Map<String, String> jobEnv = environment(job);
        expectSameToken("acl.tokens.initial_management", str(tokens.get("initial_management")),
                ACL_JOB + "'s CONSUL_HTTP_TOKEN", p.resolve(jobEnv.get("CONSUL_HTTP_TOKEN")), problems);
        expectSameToken("acl.tokens.agent", str(tokens.get("agent")),
                ACL_JOB + "'s CONSUL_AGENT_TOKEN", p.resolve(jobEnv.get("CONSUL_AGENT_TOKEN")), problems);
        List<String> command = strings(consul.get("command"));
        if (command.contains("-dev")) {
            problems.add("consul: not a -dev agent (it keeps ACL policies and tokens in memory; after a restart every"
                    + " service is locked out), runs " + command);
        }
        boolean dataOnVolume = strings(consul.get("volumes")).stream()
                .anyMatch(v -> v.endsWith(":/consul/data")
                        && map(p.compose.get("volumes")).containsKey(v.substring(0, v.indexOf(':'))));
        if (!dataOnVolume) {
            problems.add("consul: /consul/data (ACL state, registrations) must be on a named volume, mounts "
                    + consul.get("volumes"));
        }
        if (!str(job.get("image")).equals(str(consul.get("image")))) {
            problems.add(ACL_JOB + " must run the consul image (its CLI), runs " + job.get("image"));
        }
        String runs = Compose.words(job, "entrypoint") + " " + Compose.words(job, "command");
        String script = ACL_SCRIPT.substring(ACL_SCRIPT.lastIndexOf('/') + 1);
        if (p.aclScript == null || !runs.contains(script)) {
            problems.add(ACL_JOB + " must run " + ACL_SCRIPT + " (exists: " + (p.aclScript != null) + "), runs " + runs);
        }
        return problems;
    }

    static void expectSameToken(String what, String value, String otherWhat, String other, List<String> problems) {
        if (!UUID.matcher(value).matches()) {
            problems.add("consul: " + what + " must be a UUID, is '" + value + "'");
        } else if (!value.equals(other)) {
            problems.add("consul: " + what + " (" + value + ") must be " + otherWhat + " (" + other + ")");
        }
    }

    static final Check SERVICE_TOKENS = new Check("Consul tokens and policies", ConsulAclTest::checkServiceTokens);

    /**
     * Each service that talks to Consul presents a token of its own (CONSUL_TOKEN, read by its application.yml),
     * created by the ACL job with a policy in ops/consul/policies/SERVICE.hcl that grants exactly: write on its own
     * name, read on the services it looks up ({@link #LOOKUP_PROPERTIES}), and node read when it reads any (health
     * answers are filtered by node:read). Nothing else: no prefix-wide write, no key-value, no operator.
     */
    static List<String> checkServiceTokens(Project p) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> job = p.services().get(ACL_JOB);
        if (job == null || p.aclScript == null) {
            return List.of("service " + ACL_JOB + " and " + ACL_SCRIPT + " are needed");
        }
        Map<String, String> jobEnv = environment(job);
        Map<String, String> applied = new LinkedHashMap<>();
        Matcher apply = Pattern.compile("(?m)^\\s*apply\\s+(\\S+)\\s+\"\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?\"").matcher(p.aclScript);
        while (apply.find()) {
            applied.put(apply.group(1), apply.group(2));
        }
        for (String name : applied.keySet()) {
            if (!p.policies.containsKey(name)) {
                problems.add(ACL_SCRIPT + " applies " + POLICY_DIR + "/" + name + ".hcl, which does not exist");
            }
        }
        String management = p.resolve(jobEnv.get("CONSUL_HTTP_TOKEN"));
        Map<String, String> owners = new LinkedHashMap<>();
        for (String module : p.consulClients()) {
            AppConfig config = p.appConfigs.get(module);
            if (!config.placeholders().containsKey(CONSUL_TOKEN_VARIABLE)) {
                problems.add(module + "'s settings (its application.yml over " + SHARED_SERVICE_DEFAULTS + ") must read ${"
                        + CONSUL_TOKEN_VARIABLE
                        + ":} (spring.cloud.consul.token): with default deny, a service without its token is refused");
            }
            String token = p.resolve(environment(p.services().get(module)).get(CONSUL_TOKEN_VARIABLE));
            if (token.isEmpty()) {
                problems.add("service " + module + " must be given its Consul token as " + CONSUL_TOKEN_VARIABLE);
                continue;
            }
            if (!UUID.matcher(token).matches()) {
                problems.add("service " + module + ": " + CONSUL_TOKEN_VARIABLE + " must be a UUID, is '" + token + "'");
            }
            if (token.equals(management)) {
                problems.add("service " + module + " is given the management token; it needs a token of its own");
            }
            String owner = owners.putIfAbsent(token, module);
            if (owner != null) {
                problems.add("services " + owner + " and " + module + " share a Consul token; each needs its own");
            }
            String variable = applied.get(module);
            if (variable == null) {
                problems.add(ACL_SCRIPT + " creates no token for " + module + " (apply " + module + " \"$VARIABLE\")");
            } else if (!token.equals(p.resolve(jobEnv.get(variable)))) {
                problems.add("service " + module + "'s " + CONSUL_TOKEN_VARIABLE + " (" + token + ") is not the token "
                        + ACL_JOB + " creates for it (" + variable + "=" + p.resolve(jobEnv.get(variable)) + ")");
            }
            problems.addAll(checkPolicy(p, module, config));
        }
        return problems;
    }

    /** The module's policy grants exactly what it needs: write on its name, read on what it looks up. */
    private static List<String> checkPolicy(Project p, String module, AppConfig config) {
        String rules = p.policies.get(module);
        if (rules == null) {
            return List.of(POLICY_DIR + "/" + module + ".hcl is missing");
        }
        Set<String> reads = new LinkedHashSet<>();
        String lookup = LOOKUP_PROPERTIES.get(module);
        if (lookup != null) {
            for (String service : str(config.flat().get(lookup)).split(",")) {
                if (!service.isBlank()) {
                    reads.add(service.trim());
                }
            }
        }
        Set<String> wanted = new LinkedHashSet<>();
        wanted.add("service \"" + module + "\" write");
        reads.forEach(service -> wanted.add("service \"" + service + "\" read"));
        if (!reads.isEmpty()) {
            wanted.add("node_prefix \"\" read");
        }
        Set<String> granted = policyRules(rules);
        List<String> problems = new ArrayList<>();
        for (String rule : wanted) {
            if (!granted.contains(rule)) {
                problems.add(POLICY_DIR + "/" + module + ".hcl must grant " + rule + ", grants " + granted);
            }
        }
        for (String rule : granted) {
            if (!wanted.contains(rule)) {
                problems.add(POLICY_DIR + "/" + module + ".hcl grants " + rule + ", more than " + module
                        + " needs (" + wanted + ")");
            }
        }
        return problems;
    }

    /** An ACL policy's rules as "resource \"segment\" access" and "resource access", comments dropped. */
    static Set<String> policyRules(String hcl) {
        String text = hcl.replaceAll("(?m)(#|//).*$", "");
        Set<String> rules = new LinkedHashSet<>();
        Matcher block = Pattern.compile("([a-z_]+)\\s+\"([^\"]*)\"\\s*\\{([^}]*)}").matcher(text);
        while (block.find()) {
            Matcher policy = Pattern.compile("policy\\s*=\\s*\"(\\w+)\"").matcher(block.group(3));
            rules.add(block.group(1) + " \"" + block.group(2) + "\" " + (policy.find() ? policy.group(1) : "?"));
        }
        Matcher top = Pattern.compile("(?m)^\\s*([a-z_]+)\\s*=\\s*\"(\\w+)\"").matcher(text.replaceAll("\\{[^}]*}", ""));
        while (top.find()) {
            rules.add(top.group(1) + " " + top.group(2));
        }
        return rules;
    }
}
