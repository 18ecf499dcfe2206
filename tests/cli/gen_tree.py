#!/usr/bin/env python3
"""Makes a tree of N small files for the sweep's memory test (T59) and bench/rss.sh.

usage: gen_tree.py DIR N

Layout: DIR/gNN/dNNNN/fNNNNNN, about 1000 files per directory, 100 directories per group. Mix
(by file number): 1 in 10 executable (0755), 1 in 20 starts with an ELF header, 1 in 20 with
"#!/bin/sh", 1 in 50 SUID, 1 in 100 a dotfile; every 25th directory is hidden. The other files
are empty (no page of memory on tmpfs). Prints the number of files made.
"""
import os
import sys

ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 57
SCRIPT = b"#!/bin/sh\necho hozen-test\n"
SMALL = b"x" * 32


def main():
    root, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(root, exist_ok=True)
    per_dir, dirs_per_group = 1000, 100
    made = 0
    d = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    group_fd = -1
    while made < n:
        if d % dirs_per_group == 0:
            if group_fd >= 0:
                os.close(group_fd)
            g = "g%02d" % (d // dirs_per_group)
            os.mkdir(g, dir_fd=root_fd)
            group_fd = os.open(g, os.O_RDONLY | os.O_DIRECTORY, dir_fd=root_fd)
        name = (".d%04d" if d % 25 == 24 else "d%04d") % d
        os.mkdir(name, dir_fd=group_fd)
        dfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=group_fd)
        for _ in range(min(per_dir, n - made)):
            i = made
            fname = (".f%07d" if i % 100 == 99 else "f%07d") % i
            mode = 0o644
            if i % 10 == 0:
                mode = 0o755
            if i % 50 == 1:
                mode = 0o4755
            fd = os.open(fname, flags, 0o600, dir_fd=dfd)
            if i % 20 == 3:
                os.write(fd, ELF)
            elif i % 20 == 7:
                os.write(fd, SCRIPT)
            elif i % 40 == 11:
                os.write(fd, SMALL)
            if mode != 0o600:
                os.fchmod(fd, mode)
            os.close(fd)
            made += 1
        os.close(dfd)
        d += 1
    if group_fd >= 0:
        os.close(group_fd)
    os.close(root_fd)
    print(made)


if __name__ == "__main__":
    main()
