package dev.autoconvert.format.bootstrap;

import dev.autoconvert.format.tree.Entry;
import dev.autoconvert.format.tree.FileType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The directory tree of the entries handed to the writer: one {@link Node} per name, hardlinked
 * names sharing one {@link Inode}, missing parents synthesised as 0755 root:root directories.
 */
final class Tree {

  /** One on-disk inode; hardlinked names share it. The other fields are filled by the writer. */
  static final class Inode {
    final Entry entry;
    int names;
    Node firstName;
    BootstrapWriter.Layout layout;
    long ino;
    long offset;
    long nid;

    Inode(Entry entry) {
      this.entry = entry;
    }
  }

  /** One name in the tree. */
  static final class Node {
    final String path;
    final byte[] name;
    final Inode inode;
    final Node parent;
    final List<Node> children = new ArrayList<>();

    Node(String path, Inode inode, Node parent) {
      this.path = path;
      this.name = Paths.name(path);
      this.inode = inode;
      this.parent = parent;
    }

    boolean isDirectory() {
      return inode.entry.type() == FileType.DIRECTORY;
    }
  }

  final Node root;
  final Map<String, Node> byPath;

  private Tree(Node root, Map<String, Node> byPath) {
    this.root = root;
    this.byPath = byPath;
  }

  static Tree build(List<Entry> entries) {
    Map<String, Entry> byPath = new TreeMap<>();
    for (Entry e : entries) {
      Paths.check(e.path());
      byPath.put(e.path(), e); // a later entry for the same path replaces the earlier one
    }
    Entry rootEntry = byPath.computeIfAbsent("/", Entry::impliedDirectory);
    if (rootEntry.type() != FileType.DIRECTORY) {
      throw new IllegalArgumentException(
          "the root entry / must be a directory, got " + rootEntry.type());
    }
    // Ancestors sort before their descendants, so a parent already present has had its own
    // ancestors filled in: the walk up can stop there.
    for (String path : List.copyOf(byPath.keySet())) {
      String p = Paths.parent(path);
      while (!p.equals("/") && byPath.putIfAbsent(p, Entry.impliedDirectory(p)) == null) {
        p = Paths.parent(p);
      }
    }

    Map<String, Node> nodes = new HashMap<>();
    Node root = new Node("/", new Inode(rootEntry), null);
    nodes.put("/", root);
    // Parents sort before their children as strings, so each parent node exists when needed;
    // hardlinks are resolved afterwards because their target may sort later.
    Map<String, Entry> hardlinks = new LinkedHashMap<>();
    for (Entry e : byPath.values()) {
      if (e.path().equals("/")) {
        continue;
      }
      if (e.hardlinkTo() != null) {
        hardlinks.put(e.path(), e);
        continue;
      }
      addNode(nodes, e.path(), new Inode(e));
    }
    for (Entry e : hardlinks.values()) {
      Node target = nodes.get(e.hardlinkTo());
      if (target == null) {
        throw new IllegalArgumentException(
            "hardlink " + e.path() + " points to " + e.hardlinkTo() + ", which is not in the tree");
      }
      if (target.inode.entry.type() != FileType.REGULAR) {
        throw new IllegalArgumentException(
            "hardlink "
                + e.path()
                + " points to "
                + e.hardlinkTo()
                + ", a "
                + target.inode.entry.type()
                + "; only regular files can be hardlinked");
      }
      addNode(nodes, e.path(), target.inode);
    }
    Comparator<Node> order = (a, b) -> Paths.NAME_ORDER.compare(a.name, b.name);
    for (Node n : nodes.values()) {
      n.children.sort(order);
    }
    return new Tree(root, nodes);
  }

  private static void addNode(Map<String, Node> nodes, String path, Inode inode) {
    Node parent = nodes.get(Paths.parent(path));
    if (parent == null || !parent.isDirectory()) {
      throw new IllegalArgumentException(
          "parent of "
              + path
              + " is a "
              + (parent == null ? "hardlink" : parent.inode.entry.type())
              + ", not a directory");
    }
    Node node = new Node(path, inode, parent);
    inode.names++;
    parent.children.add(node);
    nodes.put(path, node);
  }

  /**
   * nydus's walk order: the root, then all children of a directory in name order, then each child
   * directory in name order, depth first.
   */
  List<Node> walk() {
    List<Node> out = new ArrayList<>();
    out.add(root);
    Deque<Node> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      Node dir = pending.pop();
      out.addAll(dir.children);
      for (int i = dir.children.size() - 1; i >= 0; i--) {
        if (dir.children.get(i).isDirectory()) {
          pending.push(dir.children.get(i));
        }
      }
    }
    return out;
  }
}
