package dev.autoconvert.format.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoconvert.format.Compressor;
import dev.autoconvert.format.Digester;
import dev.autoconvert.format.blob.BlobCache;
import dev.autoconvert.format.blob.BlobReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Third-party check of what the converter writes: a layer tar made by GNU tar is converted, the
 * blob cache is rebuilt from the blob alone, and erofs-utils' fsck.erofs extracts the embedded
 * image.boot through it; the result must equal GNU tar's own extraction of the source. fsck.erofs
 * 1.5 neither restores xattrs nor hardlinks and its chown after chmod drops set-id bits, so those
 * three are checked through dump.erofs and, where mount is permitted, through the kernel.
 */
class ErofsRoundTripTests {
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.NEVER)
  Path tmp;

  /** Builds a source tree with every entry type, xattrs in three namespaces and edge-case sizes. */
  static final String CORPUS_SCRIPT =
      """
      set -e
      cd "$1"
      mkdir -p etc bin run dev usr/share/many "home/user/$(printf 'd%.0s' $(seq 1 120))"
      echo base-motd > etc/motd
      printf '#!/bin/sh\\necho tool\\n' > bin/tool && chmod 4755 bin/tool && ln bin/tool bin/tool-hardlink
      ln -s motd etc/motd-rel-link; ln -s /etc/motd etc/motd-abs-link; ln -s ../nowhere etc/dangling
      mkfifo run/fifo
      mknod dev/null-copy c 1 3 2>/dev/null || true
      mknod dev/blk b 8 300 2>/dev/null || true
      echo xattr-file > etc/with-xattr
      setfattr -n user.probe -v hello etc/with-xattr
      setfattr -n trusted.overlay.opaque -v y etc/with-xattr
      setfattr -n security.selinux -v system_u:object_r:etc_t:s0 etc/with-xattr
      echo long > "home/user/$(printf 'd%.0s' $(seq 1 120))/file-with-a-long-name-$(printf 'n%.0s' $(seq 1 100)).txt"
      echo unicode > "home/user/Grüße-日本.txt"
      echo minus > "home/user/-before-dot"
      : > home/user/empty
      head -c 1048576 /dev/urandom > home/user/one-chunk
      head -c 1048577 /dev/urandom > home/user/one-chunk-plus-1
      head -c 3500000 /dev/urandom > home/user/many-chunks
      cp home/user/many-chunks home/user/copy-of-many-chunks
      seq 1 400000 > home/user/compressible
      chown 1000:100000 home/user/compressible
      chmod 0600 home/user/compressible
      for i in $(seq 1 300); do echo "file $i" > usr/share/many/f-$i; done
      """;

  @Test
  void fsckErofsExtractsWhatGnuTarExtracts() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "needs root: device nodes, trusted.* xattrs, foreign owners, loop mounts");
    assumeTrue(
        onPath("fsck.erofs") && onPath("tar") && onPath("setfattr"),
        "fsck.erofs, tar, setfattr needed");
    Path src = Files.createDirectories(tmp.resolve("src"));
    run(List.of("bash", "-c", CORPUS_SCRIPT, "corpus", src.toString()));
    Path tar = tmp.resolve("layer.tar");
    run(
        List.of(
            "tar",
            "--format=pax",
            "--xattrs",
            "--xattrs-include=*",
            "--numeric-owner",
            "-C",
            src.toString(),
            "-cf",
            tar.toString(),
            "."));
    Path expected = Files.createDirectories(tmp.resolve("expected"));
    run(
        List.of(
            "tar",
            "--xattrs",
            "--xattrs-include=*",
            "--numeric-owner",
            "--same-owner",
            "-p",
            "-C",
            expected.toString(),
            "-xf",
            tar.toString()));
    Map<String, String> want = listing(expected, true);
    Map<String, String> wantWithoutFsckGaps = listing(expected, false);

    Path gz = tmp.resolve("layer.tar.gz");
    run(List.of("sh", "-c", "gzip -c \"$1\" > \"$2\"", "gz", tar.toString(), gz.toString()));
    Path zst = tmp.resolve("layer.tar.zst");
    run(List.of("zstd", "-q", "-3", tar.toString(), "-o", zst.toString()));

    for (Path layer : List.of(tar, gz, zst)) {
      for (Compressor compressor : List.of(Compressor.ZSTD, Compressor.LZ4_BLOCK)) {
        String name = layer.getFileName() + "-" + compressor.cliName();
        Path out = Files.createDirectories(tmp.resolve("out-" + name));
        Path blob = out.resolve("blob");
        try (InputStream in = Files.newInputStream(layer);
            OutputStream o = Files.newOutputStream(blob)) {
          LayerConverter.convert(
              in,
              null,
              name,
              o,
              new LayerOptions(compressor, 1 << 20, Digester.BLAKE3, List.of("/")).withThreads(2));
        }
        Path boot = bootAndCache(blob, out);
        Path extracted = out.resolve("extracted");
        run(
            List.of(
                "fsck.erofs",
                "--device=" + out.resolve("blob.data"),
                "--extract=" + extracted,
                boot.toString()));
        assertThat(differences(wantWithoutFsckGaps, listing(extracted, false))).as(name).isEmpty();
        String dump =
            run(
                List.of(
                    "dump.erofs",
                    "--device=" + out.resolve("blob.data"),
                    "--path=/bin/tool-hardlink",
                    boot.toString()));
        assertThat(dump).as(name).contains("Links: 2");
        assertThat(dump).as(name).contains("Xattr size: 0");
        assertThat(
                run(
                    List.of(
                        "dump.erofs",
                        "--device=" + out.resolve("blob.data"),
                        "--path=/etc/with-xattr",
                        boot.toString())))
            .doesNotContain("Xattr size: 0");
        kernelMountMatches(boot, out.resolve("blob.data"), out.resolve("mnt"), want, name);
      }
    }
  }

  /** Mounts the bootstrap with the cache as its extra device (§6.2) and compares everything. */
  private void kernelMountMatches(
      Path boot, Path cache, Path mountPoint, Map<String, String> want, String name)
      throws Exception {
    Files.createDirectories(mountPoint);
    String loop;
    try {
      loop = run(List.of("losetup", "-f", "--show", "-r", cache.toString())).trim();
    } catch (IOException e) {
      System.out.println(
          "SKIPPED kernel EROFS mount (" + name + "): losetup not permitted: " + e.getMessage());
      return;
    }
    try {
      try {
        run(
            List.of(
                "mount",
                "-t",
                "erofs",
                "-o",
                "ro,device=" + loop,
                boot.toString(),
                mountPoint.toString()));
      } catch (IOException e) {
        System.out.println("SKIPPED kernel EROFS mount (" + name + "): " + e.getMessage());
        return;
      }
      try {
        assertThat(differences(want, listing(mountPoint, true))).as("kernel " + name).isEmpty();
        System.out.println("kernel EROFS mount (" + name + "): " + want.size() + " paths equal");
      } finally {
        run(List.of("umount", mountPoint.toString()));
      }
    } finally {
      run(List.of("losetup", "-d", loop));
    }
  }

  @Test
  void layerWithoutEndOfArchiveBlocksConvertsLikeTheFullOne() throws Exception {
    assumeTrue(onPath("fsck.erofs"), "fsck.erofs needed");
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), "first\n");
    Files.write(src.resolve("b"), new byte[1000]);
    Path tar = tmp.resolve("layer.tar");
    run(
        List.of(
            "tar",
            "--format=gnu",
            "--numeric-owner",
            "-C",
            src.toString(),
            "-cf",
            tar.toString(),
            "a",
            "b"));
    byte[] full = Files.readAllBytes(tar);
    // umoci insert style: the last file's data without padding, no end blocks (RECIPES.md §4)
    Path cut = tmp.resolve("cut.tar");
    Files.write(cut, java.util.Arrays.copyOf(full, 512 * 3 + 1000));
    Path out = Files.createDirectories(tmp.resolve("cut-out"));
    try (InputStream in = Files.newInputStream(cut);
        OutputStream o = Files.newOutputStream(out.resolve("blob"))) {
      LayerConverter.convert(
          in, "application/vnd.oci.image.layer.v1.tar", o, LayerOptions.defaults());
    }
    Path boot = bootAndCache(out.resolve("blob"), out);
    Path extracted = out.resolve("extracted");
    run(
        List.of(
            "fsck.erofs",
            "--device=" + out.resolve("blob.data"),
            "--extract=" + extracted,
            boot.toString()));
    Map<String, String> got = listing(extracted, false);
    assertThat(got).containsOnlyKeys("/a", "/b");
    assertThat(got.get("/b")).contains("size=1000 sha256=" + sha256(src.resolve("b")));
    assertThat(got.get("/a")).contains("sha256=" + sha256(src.resolve("a")));
  }

  /**
   * Cache rebuilt from the blob alone as {@code work/blob.data}; returns the extracted image.boot.
   */
  private static Path bootAndCache(Path blob, Path work) throws Exception {
    BlobCache.rebuild(blob, work.resolve("blob.data"));
    Path boot = work.resolve("image.boot");
    try (BlobReader reader = BlobReader.open(blob)) {
      Files.write(boot, reader.bootstrap().orElseThrow());
    }
    return boot;
  }

  /** "path: expected ... / actual ..." for every path that differs, so failures stay readable. */
  static List<String> differences(Map<String, String> want, Map<String, String> got) {
    List<String> diffs = new ArrayList<>();
    java.util.Set<String> paths = new java.util.TreeSet<>(want.keySet());
    paths.addAll(got.keySet());
    for (String p : paths) {
      if (!java.util.Objects.equals(want.get(p), got.get(p))) {
        diffs.add(p + ": expected " + want.get(p) + " / actual " + got.get(p));
      }
    }
    return diffs;
  }

  static boolean onPath(String tool) {
    return Stream.of(System.getenv("PATH").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }

  static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    if (rc != 0) {
      throw new IOException(String.join(" ", command) + " exited " + rc + ":\n" + output);
    }
    return output;
  }

  /**
   * type, mode, owner, size, content hash, link target and rdev of every path; with {@code full}
   * also nlink, set-id bits and xattrs.
   */
  static Map<String, String> listing(Path root, boolean full) throws Exception {
    Map<String, String> out = new TreeMap<>();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.toList();
    }
    Map<String, String> xattrs = full ? xattrs(root) : Map.of();
    for (Path p : paths) {
      String rel = "/" + root.relativize(p).toString().replace('\\', '/');
      if (p.equals(root)) {
        continue; // fsck.erofs extracts into an existing directory and keeps its metadata
      }
      Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
      StringBuilder s = new StringBuilder();
      int mode = (Integer) a.get("mode");
      s.append(
          String.format(
              "mode=%o uid=%s gid=%s", full ? mode : mode & ~06000, a.get("uid"), a.get("gid")));
      if (full) {
        s.append(" nlink=").append(a.get("nlink"));
      }
      if (Files.isSymbolicLink(p)) {
        s.append(" -> ").append(Files.readSymbolicLink(p));
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        s.append(" size=").append(a.get("size")).append(" sha256=").append(sha256(p));
      } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        s.append(" rdev=").append(a.get("rdev"));
      }
      String x = xattrs.get(rel);
      if (x != null) {
        s.append(" xattrs=").append(x);
      }
      out.put(rel, s.toString());
    }
    return out;
  }

  /** getfattr's view (all namespaces, hex values) keyed by path relative to root. */
  static Map<String, String> xattrs(Path root) throws Exception {
    String dump =
        run(
            List.of(
                "sh",
                "-c",
                "cd \"$1\" && getfattr -R -P -h -d -m - -e hex . 2>/dev/null || true",
                "x",
                root.toString()));
    Map<String, String> out = new TreeMap<>();
    String current = null;
    List<String> values = new ArrayList<>();
    for (String line : (dump + "\n").split("\n", -1)) {
      if (line.startsWith("# file: ")) {
        current = "/" + line.substring(8).replaceFirst("^\\./?", "");
        values = new ArrayList<>();
      } else if (line.isBlank()) {
        if (current != null && !values.isEmpty()) {
          out.put(current, String.join(",", values));
        }
        current = null;
      } else if (current != null) {
        values.add(line);
      }
    }
    return out;
  }

  static String sha256(Path p) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
