# syntax=docker/dockerfile:1
# One Dockerfile for every runnable module (api-service, ws-service, gateway, client-cli), built from the
# repository root; docker-compose.yml passes the build arguments and the target stage. By hand:
#
#   docker build --target service --build-arg MODULE=api-service --build-arg PORT=8081 --build-arg DATA_DIR=/data .
#   docker build --target service --build-arg MODULE=ws-service  --build-arg PORT=8082 .
#   docker build --target service --build-arg MODULE=gateway     --build-arg PORT=8080 .
#   docker build --target client  --build-arg MODULE=client-cli .
#
# Build arguments:
#   MODULE    (required) the Maven module, which is also the name of its jar (<finalName> = module; for
#             client-cli the shaded, runnable client-cli.jar)
#   PORT      (required for target service) the application's port: EXPOSE and the HEALTHCHECK on /readyz.
#             Only the main port: the actuator's management port (MANAGEMENT_PORT) is never exposed.
#   DATA_DIR  (optional, target service) a directory created owned by the app user, for a volume mounted
#             there (api-service's H2 files, API_DATA_DIR), which then inherits that ownership
#
# Two run stages rather than one with switches: a Spring Boot service (layered jar, a port, a HEALTHCHECK)
# and the client CLI (a shaded jar, no port, so nothing a HEALTHCHECK could probe: it has none). The target
# selects one; BuildKit builds only the stages that target needs, so the client never runs the Boot layer
# extraction or the CDS training. Without --target the last stage, service, is built.

# ---- build: Maven on a JDK ------------------------------------------------------------------
FROM maven:3.9.16-eclipse-temurin-17 AS build
ARG MODULE
RUN test -n "$MODULE" || { echo "build argument MODULE is required (api-service, ws-service, gateway or client-cli)" >&2; exit 1; }
WORKDIR /workspace
# Every module's pom (the root pom lists them all, and Maven needs each one to form the reactor).
COPY pom.xml ./
COPY protocol/pom.xml protocol/
COPY consul-emulator/pom.xml consul-emulator/
COPY service-support/pom.xml service-support/
COPY api-service/pom.xml api-service/
COPY ws-service/pom.xml ws-service/
COPY client-js/pom.xml client-js/
COPY gateway/pom.xml gateway/
COPY client/pom.xml client/
COPY client-cli/pom.xml client-cli/
COPY devkit/pom.xml devkit/
COPY e2e/pom.xml e2e/
COPY ops/pom.xml ops/
# The shared modules' sources (what -pl MODULE -am may build: protocol for all, service-support for the
# services, consul-emulator as a test-scope dependency of the gateway, which -am builds too, the client
# library for client-cli, the browser client that the gateway serves from its jar), then the module's own. A module that needs fewer just leaves some unused.
COPY protocol/src protocol/src
COPY consul-emulator/src consul-emulator/src
COPY service-support/src service-support/src
COPY client/src client/src
COPY client-js/src client-js/src
COPY ${MODULE}/src ${MODULE}/src
# Maven's repository is a BuildKit cache mount, shared by the four image builds and kept between builds,
# so the dependencies are downloaded once rather than once per image and again after every pom change
# (it replaces a separate dependency:go-offline layer, which each image had to download in full).
# sharing=locked: Maven's local repository is not safe for two Maven processes writing at once, and
# compose builds the images in parallel; a build waits here while another one holds the cache.
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    mvn -B -q -pl "$MODULE" -am package -DskipTests

# ---- layers: a Boot jar split into its layers (Spring Boot 4 jarmode "tools") -----------------------------
# Without the launcher: the application jar (renamed application.jar, so that the service stage's ENTRYPOINT
# needs no build argument) runs with 'java -jar' and finds its dependencies as plain jars under lib/ through
# its manifest's Class-Path, so the JVM can archive their classes (see the CDS training below); nested jars
# behind Spring Boot's launcher are loaded by a class loader whose classes no archive holds.
FROM build AS layers
ARG MODULE
RUN java -Djarmode=tools -jar "$MODULE/target/$MODULE.jar" extract --layers --destination extracted \
    && mv "extracted/application/$MODULE.jar" extracted/application/application.jar \
    && mkdir -p extracted/dependencies extracted/spring-boot-loader extracted/snapshot-dependencies extracted/application

# ---- client: the plain-Java reconnecting client's CLI (shaded jar, no Spring Boot, no port) --------------
# Ubuntu-based Temurin JRE, the same image as the services (noble, like the Maven image; the unsuffixed
# 17.0.x-jre tag now points at another Ubuntu release, so the suffix keeps the pin exact).
FROM eclipse-temurin:17.0.20_8-jre-noble AS client
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /workspace/client-cli/target/client-cli.jar ./client-cli.jar
USER 10001:10001
# JVM options: set JAVA_TOOL_OPTIONS. Arguments: see 'listen --help' and 'publish --help'.
ENTRYPOINT ["java", "-jar", "/app/client-cli.jar"]
CMD ["listen", "--gateway", "http://gateway:8080"]

# ---- service: a Spring Boot service on a JRE ---------------------------------------------------------
# Ubuntu-based Temurin JRE: it ships curl, which the HEALTHCHECK and docker-compose.yml's healthchecks use.
FROM eclipse-temurin:17.0.20_8-jre-noble AS service
ARG PORT
ARG DATA_DIR=""
RUN test -n "$PORT" || { echo "build argument PORT (the service's main port) is required for target service" >&2; exit 1; } \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && if [ -n "$DATA_DIR" ]; then mkdir -p "$DATA_DIR" && chown app:app "$DATA_DIR"; fi
WORKDIR /app
# Least to most often changed, one image layer each.
COPY --from=layers /workspace/extracted/dependencies/ ./
COPY --from=layers /workspace/extracted/spring-boot-loader/ ./
COPY --from=layers /workspace/extracted/snapshot-dependencies/ ./
COPY --from=layers /workspace/extracted/application/ ./
# Class data sharing (JDK 17's dynamic CDS, as Spring Boot documents it): one training start that stops right
# after the context refresh (-Dspring.context.exit=onRefresh), before it listens or registers anywhere (every
# port 0, api-service's database in a folder under WORKDIR that the same RUN removes), writes the archive that
# every start of the image then maps instead of loading and verifying those classes again. Measured on a 2-core
# machine with this recipe outside Docker (ws-service, JDK 17), from 'java' to 'Started': median 6.8 s with the
# archive, 8.6 s without (five alternating starts each). A JVM whose options do not fit the archive
# (JAVA_TOOL_OPTIONS) says so and starts without it.
RUN API_DATA_DIR=./cds-training java -XX:ArchiveClassesAtExit=application.jsa -Dspring.context.exit=onRefresh \
        -jar application.jar --server.port=0 --management.server.port=0 \
    && rm -rf ./cds-training
USER 10001:10001
EXPOSE ${PORT}
# Readiness on the main port (the actuator's other endpoints are on MANAGEMENT_PORT, not exposed).
# A HEALTHCHECK command is not expanded at build time and build arguments are gone at run time, so the
# port reaches it through this variable, which the check's shell expands when it runs.
ENV HEALTHCHECK_URL=http://localhost:${PORT}/readyz
HEALTHCHECK --interval=5s --timeout=3s --start-period=90s --retries=3 \
    CMD curl -fsS -o /dev/null "$HEALTHCHECK_URL" || exit 1
# Default profile; configuration comes from the environment (see docker-compose.yml).
# JVM options: set JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=application.jsa", "-jar", "application.jar"]
