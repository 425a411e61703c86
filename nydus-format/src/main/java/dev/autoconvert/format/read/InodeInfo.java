package dev.autoconvert.format.read;

/**
 * Where a path's inode sits in a bootstrap and what the inode says that {@code Entry} does not
 * carry.
 *
 * @param nid EROFS node id (inode offset from meta_blkaddr / 32); what the kernel reports as st_ino
 * @param ino the inode's i_ino field
 * @param nlink the inode's i_nlink field
 */
public record InodeInfo(long nid, long ino, long nlink) {}
