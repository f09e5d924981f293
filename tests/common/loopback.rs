//! The test servers' listening socket: on loopback, with Nagle's algorithm off.
//!
//! tiny_http writes a response through a 1 KB buffer, so a page of JSON goes out in
//! many small writes. With Nagle's algorithm on, the kernel holds each small segment
//! until the last one is acknowledged, and the client acknowledges after its delayed-ACK
//! timer (40 ms on Linux): every page on a kept-alive connection waited about 40 ms
//! for nothing. Servers in front of the real APIs send without that wait; so do these.
//! Linux gives an accepted socket the listening socket's TCP_NODELAY.

use std::net::TcpListener;
use std::os::fd::AsRawFd;

/// A tiny_http server on a free loopback port.
pub fn server() -> tiny_http::Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let on: libc::c_int = 1;
    // SAFETY: a valid socket, and a pointer to an int of the size given.
    let set = unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    assert_eq!(set, 0, "TCP_NODELAY: {}", std::io::Error::last_os_error());
    tiny_http::Server::from_listener(listener, None).expect("a tiny_http server")
}
