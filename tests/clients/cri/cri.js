#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// cri.js — a tiny CRI client: one RPC per run, JSON in, JSON out.
//
//   node cri.js --address /path/to/containerd.sock METHOD [REQUEST-JSON]
//   node cri.js --address /path/to/containerd.sock --serve /path/to/cri.sock
//
// METHOD is a RuntimeService or ImageService method of runtime.v1 (see
// api.proto next to this file, e.g. RunPodSandbox, ExecSync, ListImages).
// REQUEST-JSON uses the proto field names (snake_case); "-" or no argument
// reads it from stdin ("{}" when stdin is empty).  The response is printed
// as one JSON object: enums by name, 64-bit integers as strings, bytes
// fields (ExecSync stdout/stderr) as UTF-8 text.  A failed RPC prints
// "cri: METHOD: CODE: details" on stderr and exits 1.
//
// --serve keeps one client open and answers HTTP on a unix socket instead:
// POST /METHOD with the request JSON as body; 200 and the response JSON, or
// 502 and the error line.  Starting node costs ~0.3 s, a request ~10 ms, so
// the test suites run one server per file and call it with curl.
//
// It stands in for crictl, which Debian does not package.
'use strict';

const path = require('path');
const fs = require('fs');
const http = require('http');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const DEADLINE_MS = Number(process.env.CRI_DEADLINE_MS || 60000);

function usage() {
	process.stderr.write('usage: cri.js --address SOCKET METHOD [REQUEST-JSON|-]\n' +
		'       cri.js --address SOCKET --serve HTTP-SOCKET\n');
	process.exit(2);
}

function parseArgs(argv) {
	const args = { address: null, method: null, request: null, serve: null };
	const rest = [];
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--address') args.address = argv[++i];
		else if (argv[i].startsWith('--address=')) args.address = argv[i].slice(10);
		else if (argv[i] === '--serve') args.serve = argv[++i];
		else rest.push(argv[i]);
	}
	if (!args.address) usage();
	if (args.serve) {
		if (rest.length !== 0) usage();
		return args;
	}
	if (rest.length < 1 || rest.length > 2) usage();
	[args.method, args.request] = rest;
	return args;
}

function readRequest(text) {
	if (text === undefined || text === '-') {
		let input = '';
		try {
			input = fs.readFileSync(0, 'utf8');
		} catch (e) {
			input = '';
		}
		text = input.trim() || '{}';
	}
	return JSON.parse(text);
}

function loadApi() {
	const def = protoLoader.loadSync(path.join(__dirname, 'api.proto'), {
		keepCase: true,
		longs: String,
		enums: String,
		defaults: true,
		oneofs: true,
	});
	return grpc.loadPackageDefinition(def).runtime.v1;
}

// One client per service (each opens its own channel to containerd).
function makeClients(address) {
	const api = loadApi();
	const target = address.startsWith('unix:') ? address : `unix://${address}`;
	const creds = grpc.credentials.createInsecure();
	return ['RuntimeService', 'ImageService'].map((name) => new api[name](target, creds));
}

// call(clients, METHOD, request, done(errorLine, responseJson))
function call(clients, method, request, done) {
	const client = clients.find((c) => typeof c[method] === 'function' &&
		Object.prototype.hasOwnProperty.call(Object.getPrototypeOf(c), method));
	if (!client) {
		done(`cri: unknown method '${method}'`);
		return;
	}
	const deadline = new Date(Date.now() + DEADLINE_MS);
	client[method](request, { deadline }, (err, response) => {
		if (err) {
			const code = Object.keys(grpc.status).find((k) => grpc.status[k] === err.code) || err.code;
			done(`cri: ${method}: ${code}: ${err.details || err.message}`);
			return;
		}
		done(null, JSON.stringify(response, replacer));
	});
}

// Bytes come back as Buffers: show them as text, which is what tests compare.
function replacer(key, value) {
	const raw = this[key];
	return Buffer.isBuffer(raw) ? raw.toString('utf8') : value;
}

function serve(clients, sockPath) {
	const server = http.createServer((req, res) => {
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (chunk) => { body += chunk; });
		req.on('end', () => {
			const method = req.url.replace(/^\//, '');
			let request;
			try {
				request = JSON.parse(body.trim() || '{}');
			} catch (e) {
				res.writeHead(400).end(`cri: ${method}: bad request JSON: ${e.message}\n`);
				return;
			}
			call(clients, method, request, (err, json) => {
				if (err) res.writeHead(502).end(err + '\n');
				else res.writeHead(200).end(json + '\n');
			});
		});
	});
	try {
		fs.unlinkSync(sockPath);
	} catch (e) {
		// not there: fine
	}
	server.listen(sockPath);
	const stop = () => server.close(() => process.exit(0));
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

function main() {
	const args = parseArgs(process.argv.slice(2));
	const clients = makeClients(args.address);
	if (args.serve) {
		serve(clients, args.serve);
		return;
	}
	call(clients, args.method, readRequest(args.request), (err, json) => {
		clients.forEach((c) => c.close());
		if (err) {
			process.stderr.write(err + '\n');
			process.exitCode = 1;
			return;
		}
		process.stdout.write(json + '\n');
	});
}

main();
