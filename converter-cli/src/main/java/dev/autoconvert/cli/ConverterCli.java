package dev.autoconvert.cli;

import dev.autoconvert.oci.registry.ProxySettings;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code converter-cli convert|check|inspect}: the Nydus converter on the command line, like {@code
 * nydusify convert / check} and {@code nydus-image inspect}.
 *
 * <p>Exit codes: 0 success; 1 check found differences; 2 usage error; 3 conversion, registry or
 * format error.
 */
public final class ConverterCli {
  public static final int OK = 0;
  public static final int CHECK_FAILED = 1;
  public static final int USAGE = 2;
  public static final int ERROR = 3;

  static final String USAGE_TEXT =
      """
      usage: converter-cli convert --source SRC --target DST [--compressor zstd|lz4_block|none]
                               [--chunk-size BYTES] [--digester sha256|blake3]
                               [--platform OS/ARCH[/VARIANT] ... | --all-platforms]
                               [--prefetch-patterns FILE] [--with-referrer] [--plain-http]
                               [--authfile FILE] [--ca-certificates PEM] [--cert-dir DIR]
                               [--work-dir DIR]
             converter-cli check --source SRC --target DST [--plain-http] [--authfile FILE]
                               [--ca-certificates PEM] [--cert-dir DIR] [--work-dir DIR]
                               [--platform OS/ARCH[/VARIANT]]
             converter-cli inspect (--bootstrap FILE | --image DST [--plain-http]
                               [--authfile FILE] [--ca-certificates PEM] [--cert-dir DIR])
                               [--path /FILE] [--tree]
      SRC, DST: oci:DIR:TAG (OCI image layout) or HOST[:PORT]/REPOSITORY[:TAG|@DIGEST]
      registry credentials: AUTOCONVERT_REGISTRY_USERNAME / AUTOCONVERT_REGISTRY_PASSWORD, else
                            a Docker config file (--authfile, else $DOCKER_CONFIG/config.json
                            or ~/.docker/config.json): auths entries and credential helpers
      proxies:              HTTPS_PROXY, HTTP_PROXY, NO_PROXY (as Docker reads them;
                            http://user:password@host:port for a proxy that wants credentials)
      exit codes: 0 ok, 1 check failed, 2 usage, 3 conversion/registry/format error
      """;

  private ConverterCli() {}

  public static void main(String[] args) {
    ProxySettings.allowBasicProxyAuthentication();
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  /** Runs one command and returns its exit code. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
      (args.isEmpty() ? err : out).print(USAGE_TEXT);
      return args.isEmpty() ? USAGE : OK;
    }
    List<String> rest = args.subList(1, args.size());
    try {
      return switch (args.get(0)) {
        case "convert" -> ConvertCommand.run(rest, out);
        case "check" -> CheckCommand.run(rest, out);
        case "inspect" -> InspectCommand.run(rest, out);
        default -> throw new UsageException("unknown command '" + args.get(0) + "'");
      };
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.print(USAGE_TEXT);
      return USAGE;
    } catch (IOException e) {
      err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return ERROR;
    } catch (RuntimeException e) {
      // a bug, not bad input: show where
      err.println("error: " + e);
      e.printStackTrace(err);
      return ERROR;
    }
  }
}
