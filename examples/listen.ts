// The listen() example of the Winsock 2 reference page (seed 002), line for line.
// C's wprintf becomes console.log; `return 1` becomes Deno.exit(1).
//
//   deno run --allow-net examples/listen.ts
//
// Prints "Listening on socket..." and exits 0.

import {
  AF_INET,
  bind,
  closesocket,
  INVALID_SOCKET,
  IPPROTO_TCP,
  listen,
  MAKEWORD,
  NO_ERROR,
  SOCK_STREAM,
  type SockAddr,
  socket,
  SOCKET_ERROR,
  SOMAXCONN,
  WSACleanup,
  type WSADATA,
  WSAGetLastError,
  WSAStartup,
} from "../mod.ts";

function wmain(): number {
  //----------------------
  // Initialize Winsock
  const wsaData = {} as WSADATA;
  let iResult = 0;

  let ListenSocket = INVALID_SOCKET;
  const service = {} as SockAddr;

  iResult = WSAStartup(MAKEWORD(2, 2), wsaData);
  if (iResult != NO_ERROR) {
    console.log(`WSAStartup() failed with error: ${iResult}`);
    return 1;
  }
  //----------------------
  // Create a SOCKET for listening for incoming connection requests.
  ListenSocket = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (ListenSocket == INVALID_SOCKET) {
    console.log(`socket function failed with error: ${WSAGetLastError()}`);
    WSACleanup();
    return 1;
  }
  //----------------------
  // The sockaddr_in structure specifies the address family,
  // IP address, and port for the socket that is being bound.
  service.family = AF_INET;
  service.address = "127.0.0.1";
  service.port = 27015;

  iResult = bind(ListenSocket, service);
  if (iResult == SOCKET_ERROR) {
    console.log(`bind function failed with error ${WSAGetLastError()}`);
    iResult = closesocket(ListenSocket);
    if (iResult == SOCKET_ERROR) {
      console.log(`closesocket function failed with error ${WSAGetLastError()}`);
    }
    WSACleanup();
    return 1;
  }
  //----------------------
  // Listen for incoming connection requests
  // on the created socket
  if (listen(ListenSocket, SOMAXCONN) == SOCKET_ERROR) {
    console.log(`listen function failed with error: ${WSAGetLastError()}`);
  }

  console.log("Listening on socket...");

  iResult = closesocket(ListenSocket);
  if (iResult == SOCKET_ERROR) {
    console.log(`closesocket function failed with error ${WSAGetLastError()}`);
    WSACleanup();
    return 1;
  }

  WSACleanup();
  return 0;
}

if (import.meta.main) Deno.exit(wmain());
