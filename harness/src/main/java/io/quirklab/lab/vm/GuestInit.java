package io.quirklab.lab.vm;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The guest's initramfs: static busybox, the kernel modules in load order, and an init that loads them, mounts the
 * host's root read-only over 9p (the guest runs the host's tools and JDK from there), brings the one NIC up with its
 * address and then serves commands on a virtio-serial port ({@link ChannelFrames}). Any failure during set-up writes
 * one "qvm: FAILED ..." line to the serial console and powers the guest off, so the host sees QEMU exit and can say why.
 *
 * @param modules  module names in load order (dependencies first)
 * @param address  the guest's address with prefix, "198.19.97.2/24"
 * @param rootTag  the 9p mount tag of the host's root
 * @param portName the virtio-serial port's name
 */
public record GuestInit(List<String> modules, String address, String rootTag, String portName) {
    /** The serial console line that says the guest is about to serve commands. */
    public static final String READY = "qvm: ready";
    /** The serial console line prefix of a set-up failure. */
    public static final String FAILED = "qvm: FAILED";
    /** Where the agent keeps its files in the guest (a tmpfs over the host root's /run). */
    static final String AGENT_DIR = "/run/qvm";
    /** The file in the guest that names its NIC. */
    public static final String IFACE_FILE = AGENT_DIR + "/iface";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern CIDR = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}");
    /** 256 KiB messages instead of the default 8 KiB: the guest reads its binaries (JDK, ipmitool) in few round trips. */
    static final int MSIZE = 262_144;

    public GuestInit {
        modules = List.copyOf(modules);
        for (String m : modules) {
            require(m, "module");
        }
        require(rootTag, "9p mount tag");
        require(portName, "port name");
        if (address == null || !CIDR.matcher(address).matches()) {
            throw new IllegalArgumentException("guest address '" + address + "' (a.b.c.d/prefix)");
        }
    }

    private static void require(String value, String what) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' (letters, digits, _ . -)");
        }
    }

    /** PID 1 of the guest. */
    public String initScript() {
        return """
                #!/bin/busybox sh
                # quirklab guest init: drivers, the host's root over 9p, the NIC, then the command agent
                /bin/busybox --install -s /bin
                export PATH=/bin
                mount -t proc proc /proc
                mount -t sysfs sys /sys
                mount -t devtmpfs dev /dev
                say() { read up idle < /proc/uptime; echo "qvm: $* at $up" > /dev/ttyS0; }
                fail() { say "FAILED: $*"; poweroff -f; }
                say init
                for m in %MODULES%; do insmod /lib/modules/$m.ko || fail "insmod $m"; done
                say modules
                mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=%MSIZE% %TAG% /host || fail "9p mount of the host root"
                mount -t proc proc /host/proc && mount -t sysfs sys /host/sys && mount -t devtmpfs dev /host/dev \\
                  && mount -t tmpfs -o mode=1777 tmp /host/tmp && mount -t tmpfs -o mode=755 run /host/run \\
                  || fail "mounts over the host root"
                mount -t tracefs tracefs /host/sys/kernel/tracing 2>/dev/null
                mount -t debugfs debugfs /host/sys/kernel/debug 2>/dev/null
                IF=
                for d in /sys/class/net/*; do n=${d##*/}; [ "$n" = lo ] || { IF=$n; break; }; done
                [ -n "$IF" ] || fail "no network interface: the NIC driver bound nothing"
                ip link set lo up
                ip addr add %ADDRESS% dev $IF && ip link set $IF up || fail "address %ADDRESS% on $IF"
                PORT=
                for p in /sys/class/virtio-ports/*; do [ "$(cat $p/name 2>/dev/null)" = %PORT% ] && PORT=/dev/${p##*/}; done
                [ -n "$PORT" ] || fail "no virtio port %PORT%"
                mkdir -p /host%DIR% && cp /bin/busybox /agent /host%DIR%/ && echo $IF > /host%IFACE% || fail "agent set-up"
                say ready $IF
                exec chroot /host %DIR%/busybox sh %DIR%/agent $PORT
                """.replace("%MODULES%", String.join(" ", modules)).replace("%MSIZE%", Integer.toString(MSIZE))
                .replace("%TAG%", rootTag).replace("%ADDRESS%", address).replace("%PORT%", portName)
                .replace("%DIR%", AGENT_DIR).replace("%IFACE%", IFACE_FILE);
    }

    /**
     * The command agent, run by busybox sh inside the host's root: one request at a time, answered as
     * {@link ChannelFrames} describes. Commands run in a subshell of busybox sh, so a name busybox has as an applet (ip,
     * ping, cat) is busybox's; other names (ethtool, tcpdump, ipmitool, java) are the host's from PATH. Its argument is
     * the port; without one it speaks on its standard input and output.
     *
     * <p>Forks are what a command costs under software emulation: busybox {@code timeout} alone, which forks twice and
     * leaves a watcher polling every second, took most of 70 ms per command on a busy host. So a command costs one fork
     * for itself (and, when it printed something, one for the sizes and one for the output), and its timeout is kept by
     * one watchdog that lives as long as the agent: told "PID TIMEOUT" and then "done" through a FIFO, it kills the
     * subshell when "done" does not come in time. A killed command's children may still write: the agent then moves on
     * to new output files.
     */
    public static String agentScript() {
        return agentScript(AGENT_DIR);
    }

    /** The agent keeping its files in {@code dir}, to be run by busybox sh. */
    static String agentScript(String dir) {
        return """
                # quirklab guest agent: commands from the virtio port $1 (or standard input), one at a time
                export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp
                D=%DIR%
                cd /
                if [ -n "$1" ]; then exec 3<>"$1" 4>&3; else exec 3<&0 4>&1; fi
                rm -f $D/watchdog; mkfifo $D/watchdog
                (
                  exec 5<>$D/watchdog 3<&- 4>&-
                  while read -r p t <&5; do
                    [ "$p" = done ] && continue
                    read -r -t "$t" x <&5 || { kill -9 "$p" 2>/dev/null; read -r x <&5; }
                  done
                ) </dev/null >/dev/null 2>&1 &
                exec 6>$D/watchdog
                g=0
                while :; do
                  if ! read -r id t <&3; then usleep 20000; continue; fi
                  IFS= read -r -d '' cmd <&3
                  ( eval "$cmd" ) </dev/null >$D/out.$g 2>$D/err.$g 3<&- 4>&- 6>&- &
                  p=$!
                  echo "$p $t" >&6
                  wait $p
                  rc=$?
                  echo done >&6
                  if [ -s $D/out.$g ] || [ -s $D/err.$g ]; then
                    set -- $(wc -c $D/out.$g $D/err.$g)
                    echo "%REPLY% $id $rc $1 $3" >&4
                    cat $D/out.$g $D/err.$g >&4
                  else
                    echo "%REPLY% $id $rc 0 0" >&4
                  fi
                  [ $rc = 137 ] && g=$((g+1))
                done
                """.replace("%DIR%", dir).replace("%REPLY%", ChannelFrames.REPLY);
    }

    /**
     * The initramfs.
     *
     * @param busybox     a static busybox binary
     * @param moduleFiles every module of {@link #modules} with its (uncompressed) contents
     */
    public byte[] initramfs(byte[] busybox, Map<String, byte[]> moduleFiles) {
        Cpio cpio = new Cpio();
        for (String d : List.of("bin", "dev", "proc", "sys", "host", "tmp", "lib", "lib/modules")) {
            cpio.add(Cpio.Entry.directory(d));
        }
        cpio.add(Cpio.Entry.characterDevice("dev/console", 5, 1));
        cpio.add(Cpio.Entry.file("bin/busybox", 0755, busybox));
        cpio.add(Cpio.Entry.file("init", 0755, initScript().getBytes(StandardCharsets.UTF_8)));
        cpio.add(Cpio.Entry.file("agent", 0644, agentScript().getBytes(StandardCharsets.UTF_8)));
        for (String m : modules) {
            byte[] ko = moduleFiles.get(m);
            if (ko == null) {
                throw new IllegalArgumentException("no file for kernel module " + m);
            }
            cpio.add(Cpio.Entry.file("lib/modules/" + m + ".ko", 0644, ko));
        }
        return cpio.bytes();
    }
}
