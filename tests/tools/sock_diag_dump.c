/* sock_diag_dump.c - captures a raw NETLINK_SOCK_DIAG dump reply for the
 * parser tests and seeds (tests/data/real/, corpus/sock_diag_fuzzer/).
 *
 * Usage: sock_diag_dump KIND OUTFILE
 *   KIND: tcp4 tcp6 (LISTEN only), udp4 udp6, raw4 raw6 (every state), packet
 *
 * Sends one SOCK_DIAG_BY_FAMILY dump request with sendto() to the kernel
 * (nl_pid 0, so the filter information is reported to a CAP_NET_ADMIN
 * caller), then writes every reply datagram, byte for byte and concatenated,
 * to OUTFILE until NLMSG_DONE or NLMSG_ERROR. inet requests ask for
 * INET_DIAG_INFO, INET_DIAG_CONG and INET_DIAG_SKMEMINFO; the packet request
 * asks for every PACKET_SHOW_* bit. A tool, not a parser: it trusts the
 * kernel's framing only to find the end of the dump.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/packet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef AF_PACKET
#define AF_PACKET 17
#endif

static int usage(void)
{
    fprintf(stderr, "usage: sock_diag_dump tcp4|tcp6|udp4|udp6|raw4|raw6|packet OUTFILE\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return usage();
    const char *k = argv[1];
    unsigned char req[128];
    memset(req, 0, sizeof req);
    struct nlmsghdr nh;
    memset(&nh, 0, sizeof nh);
    nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nh.nlmsg_seq = 1;
    size_t body;
    if (strcmp(k, "packet") == 0) {
        struct packet_diag_req r;
        memset(&r, 0, sizeof r);
        r.sdiag_family = AF_PACKET;
        r.pdiag_show = PACKET_SHOW_INFO | PACKET_SHOW_MCLIST | PACKET_SHOW_RING_CFG |
                       PACKET_SHOW_FANOUT | PACKET_SHOW_MEMINFO | PACKET_SHOW_FILTER;
        memcpy(req + NLMSG_HDRLEN, &r, sizeof r);
        body = sizeof r;
    } else {
        struct inet_diag_req_v2 r;
        memset(&r, 0, sizeof r);
        size_t kl = strlen(k);
        if (kl < 4 || (k[kl - 1] != '4' && k[kl - 1] != '6'))
            return usage();
        r.sdiag_family = k[kl - 1] == '4' ? AF_INET : AF_INET6;
        if (strncmp(k, "tcp", 3) == 0) {
            r.sdiag_protocol = IPPROTO_TCP;
            r.idiag_states = 1u << 10; /* TCP_LISTEN */
        } else if (strncmp(k, "udp", 3) == 0) {
            r.sdiag_protocol = IPPROTO_UDP;
            r.idiag_states = ~0u;
        } else if (strncmp(k, "raw", 3) == 0) {
            r.sdiag_protocol = IPPROTO_RAW;
            r.idiag_states = ~0u;
        } else {
            return usage();
        }
        r.idiag_ext = (unsigned char)(1u << (INET_DIAG_INFO - 1) | 1u << (INET_DIAG_CONG - 1) |
                                      1u << (INET_DIAG_SKMEMINFO - 1));
        memcpy(req + NLMSG_HDRLEN, &r, sizeof r);
        body = sizeof r;
    }
    nh.nlmsg_len = (unsigned)NLMSG_LENGTH(body);
    memcpy(req, &nh, sizeof nh);

    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) {
        perror("socket");
        return 1;
    }
    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    if (sendto(fd, req, nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
        perror("sendto");
        return 1;
    }
    FILE *out = fopen(argv[2], "wb");
    if (!out) {
        perror(argv[2]);
        return 1;
    }
    static unsigned char buf[32768];
    int done = 0;
    unsigned long datagrams = 0, records = 0;
    while (!done) {
        ssize_t n = recv(fd, buf, sizeof buf, MSG_TRUNC);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("recv");
            return 1;
        }
        if ((size_t)n > sizeof buf) {
            fprintf(stderr, "datagram of %zd bytes truncated\n", n);
            return 1;
        }
        if (n == 0)
            break;
        datagrams++;
        if (fwrite(buf, 1, (size_t)n, out) != (size_t)n) {
            perror("fwrite");
            return 1;
        }
        for (size_t o = 0; o + NLMSG_HDRLEN <= (size_t)n;) {
            struct nlmsghdr h;
            memcpy(&h, buf + o, sizeof h);
            if (h.nlmsg_len < NLMSG_HDRLEN)
                break;
            records++;
            if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR)
                done = 1;
            o += NLMSG_ALIGN(h.nlmsg_len);
        }
    }
    if (fclose(out) != 0) {
        perror("fclose");
        return 1;
    }
    close(fd);
    fprintf(stderr, "%s: %lu datagrams, %lu records\n", k, datagrams, records);
    return 0;
}
