/* floor: the least a UDP DNS server can do, as a reference for latency.
 * It answers every query with the query itself flagged as a response (QR,
 * AA, NOERROR, no records), one datagram at a time on a blocking socket:
 * no lookup, no batching, no threads. Whatever latency it shows at a given
 * rate is the machine's and the client's, not a server's.
 *   cc -O2 -o floor floor.c && ./floor 127.0.0.15 15353 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
	if (argc != 3) {
		fprintf(stderr, "usage: floor ADDR PORT\n");
		return 2;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		perror("floor");
		return 1;
	}
	unsigned char buf[4096];
	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
		if (n < 12)
			continue;
		buf[2] |= 0x84; /* QR, AA */
		buf[3] &= 0x70; /* RA off, rcode NOERROR */
		sendto(fd, buf, n, 0, (struct sockaddr *)&from, fl);
	}
}
