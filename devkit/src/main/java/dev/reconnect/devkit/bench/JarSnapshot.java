package dev.reconnect.devkit.bench;

import dev.reconnect.devkit.launch.LaunchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * A copy of the built jars, laid out as the repository has them ({@code <module>/target/<jar>}), from which
 * the bench starts every process: the whole run then measures one build. Started from the work tree, a jar
 * rebuilt meanwhile (another build on the machine) would change between phases, and the launcher, which
 * starts services from an extracted copy with a start-up archive next to the jar, removes the extraction of
 * the old jar while a service may still run from it. The copy stays between runs, so that the launcher's
 * archives are trained once per build; a jar is copied again only when its content changed.
 *
 * @param digests a SHA-256 prefix per jar, by path: which build was measured (the Spring Boot jars' file times
 *                are the build's fixed output timestamp, the same for every build)
 */
record JarSnapshot(Path root, Map<String, String> digests) {
    static final List<String> JARS = List.of("consul-emulator/target/consul-emulator.jar",
            "api-service/target/api-service.jar", "ws-service/target/ws-service.jar", "gateway/target/gateway.jar",
            "client-cli/target/client-cli.jar");
    private static final String DIGEST_SUFFIX = ".sha256";

    /** Brings the copy in {@code into} up to the jars of {@code repository}. */
    static JarSnapshot take(Path repository, Path into) {
        Map<String, String> digests = new LinkedHashMap<>();
        for (String jar : JARS) {
            Path source = repository.resolve(jar);
            if (!Files.isRegularFile(source)) {
                throw new LaunchException(source + " is missing; build it first with: mvn -B package -DskipTests");
            }
            try {
                digests.put(jar, refresh(source, into.resolve(jar)));
            } catch (IOException e) {
                throw new LaunchException("cannot copy " + source + " (perhaps a build was writing it; run again): "
                        + e.getMessage(), e);
            }
        }
        return new JarSnapshot(into, digests);
    }

    /** Copies {@code source} over {@code copy} unless the copy has its content already; returns the digest. */
    private static String refresh(Path source, Path copy) throws IOException {
        Path digestFile = copy.resolveSibling(copy.getFileName() + DIGEST_SUFFIX);
        String digest = digest(source);
        if (Files.isRegularFile(copy) && Files.isRegularFile(digestFile) && Files.readString(digestFile).equals(digest)) {
            return digest;
        }
        Files.createDirectories(copy.getParent());
        Path partial = copy.resolveSibling(copy.getFileName() + ".partial");
        Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
        String copied = digest(partial);
        if (!copied.equals(digest)) {
            Files.delete(partial);
            throw new IOException("it changed while it was copied");
        }
        try (ZipFile readable = new ZipFile(partial.toFile())) {
            Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.writeString(digestFile, digest);
        return digest;
    }

    static String digest(Path file) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
