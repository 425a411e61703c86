package dev.autoconvert.format.tree;

/** Kinds of filesystem objects a layer can carry. Hardlinks are regular files sharing an inode. */
public enum FileType {
  REGULAR,
  DIRECTORY,
  SYMLINK,
  CHAR_DEVICE,
  BLOCK_DEVICE,
  FIFO,
  SOCKET
}
