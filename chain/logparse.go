package chain

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// The parser of eth_getLogs answers that HTTPLogs uses. The answer is read as a stream: the
// JSON-RPC envelope token by token with encoding/json's Decoder, each log of the result as one
// value, parsed by the compact log parser below into logs whose topics and data are cut from a few
// large allocations. Only one log's JSON is held at a time, and the reading can stop at a block
// boundary once the answer holds more logs or bytes than a batch should (logLimit).

// logLimit bounds what one eth_getLogs answer is read into: once Logs logs or Bytes bytes of their
// JSON have been read, reading stops before the first log of the next block, so the logs returned
// cover whole blocks. Zero fields bound nothing. A single block is always read whole.
type logLimit struct {
	Logs  int
	Bytes int64
	// Expect is the logs the answer likely holds (the one before it held as many): the list
	// starts with room for them instead of growing from nothing, copied at each doubling.
	Expect int
}

func (l logLimit) reached(logs int, bytes int64) bool {
	return (l.Logs > 0 && logs >= l.Logs) || (l.Bytes > 0 && bytes >= l.Bytes)
}

// logsAnswer is what was read of an eth_getLogs answer.
type logsAnswer struct {
	Logs []types.Log
	// Cut is true when the reading stopped at the limit; the logs are then those of the blocks up
	// to and including Through, and the answer's later blocks were not read.
	Cut     bool
	Through uint64
	// Bytes is the size of the logs' JSON read.
	Bytes int64
}

// parseLogsResponse parses a whole JSON-RPC response whose result is a list of logs.
func parseLogsResponse(b []byte) ([]types.Log, error) {
	a, err := readLogsResponse(bytes.NewReader(b), logLimit{})
	return a.Logs, err
}

// readLogsResponse reads a JSON-RPC response whose result is a list of logs from r, up to limit.
// A JSON-RPC error answer is returned as an *RPCError.
func readLogsResponse(r io.Reader, limit logLimit) (logsAnswer, error) {
	s := &logStream{dec: json.NewDecoder(r), src: r, limit: limit}
	a, err := s.response()
	if err != nil {
		var rpcErr *RPCError
		if errors.As(err, &rpcErr) {
			return logsAnswer{}, err
		}
		return logsAnswer{}, fmt.Errorf("decode eth_getLogs response at byte %d: %w", s.dec.InputOffset(), err)
	}
	return a, nil
}

// logStream reads one answer.
type logStream struct {
	dec   *json.Decoder
	src   io.Reader // what dec reads from
	limit logLimit
	raw   json.RawMessage // the log being parsed; its buffer is reused
	p     logParser       // holds the slabs across logs
}

// delim reads the next token and checks that it is the delimiter d.
func (s *logStream) delim(d json.Delim) error {
	t, err := s.dec.Token()
	if err != nil {
		return err
	}
	if t != d {
		return fmt.Errorf("%w: expected %q", errSyntax, d)
	}
	return nil
}

func (s *logStream) response() (logsAnswer, error) {
	var a logsAnswer
	var rpcErr *RPCError
	haveResult := false
	if err := s.delim('{'); err != nil {
		return a, err
	}
	for s.dec.More() {
		t, err := s.dec.Token()
		if err != nil {
			return a, err
		}
		switch t {
		case "result":
			haveResult = true
			if a, err = s.result(); err != nil || a.Cut {
				return a, err
			}
		case "error":
			if rpcErr, err = s.rpcError(); err != nil {
				return a, err
			}
		default:
			if err := s.dec.Decode(&s.raw); err != nil {
				return a, err
			}
		}
	}
	if err := s.delim('}'); err != nil {
		return a, err
	}
	switch {
	case rpcErr != nil:
		return logsAnswer{}, rpcErr
	case !haveResult:
		return a, errors.New("no result")
	}
	return a, nil
}

// result reads the list of logs (null is an empty list), stopping at the limit. The decoder reads
// up to the list's '['; each log is then cut out of the stream by hand (its braces matched
// outside strings) and parsed once by the compact parser, and a decoder over what is left reads
// the rest of the answer: decoding each log as a json.RawMessage first scanned it twice.
func (s *logStream) result() (logsAnswer, error) {
	room := s.limit.Expect
	if s.limit.Logs > 0 {
		room = min(room, s.limit.Logs)
	}
	a := logsAnswer{Logs: make([]types.Log, 0, room)}
	t, err := s.dec.Token()
	if err != nil || t == nil {
		return a, err
	}
	if t != json.Delim('[') {
		return a, fmt.Errorf("%w: the result is not a list", errSyntax)
	}
	br := bufio.NewReaderSize(io.MultiReader(s.dec.Buffered(), s.src), 64<<10)
	ordered := true
	for k := 0; ; k++ {
		c, err := nextNonSpace(br)
		if err != nil {
			return a, err
		}
		if c == ']' {
			return a, s.restOfResponse(br)
		}
		if k > 0 {
			if c != ',' {
				return a, fmt.Errorf("%w: expected ',' or ']' in the result", errSyntax)
			}
			if c, err = nextNonSpace(br); err != nil {
				return a, err
			}
		}
		if s.raw, err = readObject(br, c, s.raw[:0]); err != nil {
			return a, err
		}
		var l types.Log
		if err := s.p.parseLog(s.raw, &l); err != nil {
			return a, err
		}
		if n := len(a.Logs); n > 0 {
			last := a.Logs[n-1].BlockNumber
			ordered = ordered && l.BlockNumber >= last
			// Stop between blocks, and only where the logs come in block order (as nodes send
			// them): the logs kept are then every log of their blocks.
			if ordered && l.BlockNumber > last && s.limit.reached(n, a.Bytes) {
				a.Cut, a.Through = true, last
				return a, nil
			}
		}
		a.Logs = append(a.Logs, l)
		a.Bytes += int64(len(s.raw))
	}
}

// restOfResponse points the decoder at what follows the result in br: the answer's other members
// (after a comma) or its closing brace, as the inside of an object it has just opened.
func (s *logStream) restOfResponse(br *bufio.Reader) error {
	c, err := nextNonSpace(br)
	if err != nil {
		return err
	}
	var open string
	switch c {
	case ',':
		open = "{"
	case '}':
		open = "{}"
	default:
		return fmt.Errorf("%w: expected ',' or '}' after the result", errSyntax)
	}
	s.dec = json.NewDecoder(io.MultiReader(strings.NewReader(open), br))
	return s.delim('{')
}

// nextNonSpace returns the next byte of br that is not JSON whitespace.
func nextNonSpace(br *bufio.Reader) (byte, error) {
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0, unexpectedEOF(err)
		}
		switch c {
		case ' ', '\t', '\n', '\r':
		default:
			return c, nil
		}
	}
}

// readObject appends to buf the JSON object that starts with first (read already) and goes on in
// br, up to its closing brace: brackets are counted outside strings, over br's buffered bytes. The
// object's contents are checked by the parser that reads it.
func readObject(br *bufio.Reader, first byte, buf []byte) ([]byte, error) {
	if first != '{' {
		return buf, fmt.Errorf("%w: a log is not an object", errSyntax)
	}
	buf = append(buf, first)
	depth, inString, escape := 1, false, false
	for depth > 0 {
		if _, err := br.Peek(1); err != nil {
			return buf, unexpectedEOF(err)
		}
		window, _ := br.Peek(br.Buffered())
		i := 0
		for ; i < len(window) && depth > 0; i++ {
			c := window[i]
			switch {
			case escape:
				escape = false
			case inString:
				escape, inString = c == '\\', c != '"'
			case c == '"':
				inString = true
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
			}
		}
		buf = append(buf, window[:i]...)
		if _, err := br.Discard(i); err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// unexpectedEOF reports the end of the answer inside the result as a syntax error.
func unexpectedEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: the answer ends inside the result", errSyntax)
	}
	return err
}

// rpcError reads a JSON-RPC error object (null is no error), its fields by their exact names.
func (s *logStream) rpcError() (*RPCError, error) {
	var fields map[string]json.RawMessage
	if err := s.dec.Decode(&fields); err != nil {
		return nil, err
	}
	if fields == nil {
		return nil, nil
	}
	e := &RPCError{Data: fields["data"]}
	if c, ok := fields["code"]; ok {
		if err := json.Unmarshal(c, &e.Code); err != nil {
			return nil, err
		}
	}
	if m, ok := fields["message"]; ok {
		if err := json.Unmarshal(m, &e.Message); err != nil {
			return nil, err
		}
	}
	return e, nil
}

var errSyntax = errors.New("malformed JSON")

type logParser struct {
	b []byte
	i int
	// Slabs the logs' topics and data are cut from.
	topics []common.Hash
	data   []byte
}

func (p *logParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte (0 at the end).
func (p *logParser) peek() byte {
	p.ws()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *logParser) expect(c byte) error {
	if p.peek() != c {
		return fmt.Errorf("%w: expected %q", errSyntax, c)
	}
	p.i++
	return nil
}

// str reads a string and returns its contents. Escapes are decoded (a slower path: hex values
// never have them).
func (p *logParser) str() ([]byte, error) {
	if err := p.expect('"'); err != nil {
		return nil, err
	}
	start := p.i
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case '"':
			s := p.b[start:p.i]
			p.i++
			return s, nil
		case '\\':
			// Find the end, then let encoding/json unescape.
			p.i = start - 1
			end, err := p.skipString()
			if err != nil {
				return nil, err
			}
			var s string
			if err := json.Unmarshal(p.b[start-1:end], &s); err != nil {
				return nil, err
			}
			return []byte(s), nil
		}
		p.i++
	}
	return nil, fmt.Errorf("%w: unterminated string", errSyntax)
}

// skipString skips the string at p.i (its opening quote) and returns the offset after it.
func (p *logParser) skipString() (int, error) {
	p.i++
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case '\\':
			p.i += 2
			continue
		case '"':
			p.i++
			return p.i, nil
		}
		p.i++
	}
	return 0, fmt.Errorf("%w: unterminated string", errSyntax)
}

// skip skips any JSON value.
func (p *logParser) skip() error {
	switch c := p.peek(); c {
	case '"':
		_, err := p.skipString()
		return err
	case '{', '[':
		depth := 0
		for p.i < len(p.b) {
			switch p.b[p.i] {
			case '"':
				if _, err := p.skipString(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					p.i++
					return nil
				}
			}
			p.i++
		}
		return fmt.Errorf("%w: unterminated value", errSyntax)
	case 0:
		return fmt.Errorf("%w: unexpected end", errSyntax)
	default: // number, true, false, null
		start := p.i
		for p.i < len(p.b) {
			switch p.b[p.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if p.i == start {
					return errSyntax
				}
				return nil
			}
			p.i++
		}
		return nil
	}
}

// object calls field for each key of an object; field must consume the value.
func (p *logParser) object(field func(key []byte) error) error {
	if err := p.expect('{'); err != nil {
		return err
	}
	if p.peek() == '}' {
		p.i++
		return nil
	}
	for {
		key, err := p.str()
		if err != nil {
			return err
		}
		if err := p.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return nil
		default:
			return fmt.Errorf("%w: expected , or }", errSyntax)
		}
	}
}

// array calls elem for each element of an array (null is an empty array).
func (p *logParser) array(elem func() error) error {
	if p.literal("null") {
		return nil
	}
	if err := p.expect('['); err != nil {
		return err
	}
	if p.peek() == ']' {
		p.i++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return nil
		default:
			return fmt.Errorf("%w: expected , or ]", errSyntax)
		}
	}
}

func (p *logParser) literal(lit string) bool {
	p.ws()
	if bytes.HasPrefix(p.b[p.i:], []byte(lit)) {
		p.i += len(lit)
		return true
	}
	return false
}

// parseLog parses one log object, b, into l, cutting its topics and data from the parser's slabs.
func (p *logParser) parseLog(b []byte, l *types.Log) error {
	p.b, p.i = b, 0
	if cap(p.topics)-len(p.topics) < 8 {
		p.topics = make([]common.Hash, 0, 4096)
	}
	return p.log(l)
}

func (p *logParser) log(l *types.Log) error {
	var have uint16
	err := p.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "address":
			have |= 1
			err = p.fixed(l.Address[:])
		case "topics":
			have |= 2
			start := len(p.topics)
			err = p.array(func() error {
				p.topics = append(p.topics, common.Hash{})
				return p.fixed(p.topics[len(p.topics)-1][:])
			})
			l.Topics = p.topics[start:len(p.topics):len(p.topics)]
		case "data":
			have |= 4
			l.Data, err = p.bytes()
		case "blockNumber":
			have |= 8
			l.BlockNumber, err = p.quantity()
		case "transactionHash":
			have |= 16
			err = p.fixed(l.TxHash[:])
		case "transactionIndex":
			have |= 32
			var n uint64
			n, err = p.quantity()
			l.TxIndex = uint(n)
		case "blockHash":
			have |= 64
			err = p.fixed(l.BlockHash[:])
		case "logIndex":
			have |= 128
			var n uint64
			n, err = p.quantity()
			l.Index = uint(n)
		case "blockTimestamp":
			l.BlockTimestamp, err = p.quantity()
		case "removed":
			switch {
			case p.literal("true"):
				l.Removed = true
			case p.literal("false"):
			default:
				err = fmt.Errorf("%w: removed is not a boolean", errSyntax)
			}
		default:
			err = p.skip()
		}
		if err != nil {
			return fmt.Errorf("log field %s: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The fields go-ethereum requires of a log.
	if have != 255 {
		return fmt.Errorf("log without a required field (have %08b)", have)
	}
	return nil
}

// hexDigits returns the digits of a 0x-prefixed hex string.
func (p *logParser) hexDigits() ([]byte, error) {
	s, err := p.str()
	if err != nil {
		return nil, err
	}
	if len(s) < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') {
		return nil, errors.New("hex string without 0x prefix")
	}
	return s[2:], nil
}

// fixed decodes a hex string of exactly len(dst) bytes.
func (p *logParser) fixed(dst []byte) error {
	d, err := p.hexDigits()
	if err != nil {
		return err
	}
	if len(d) != 2*len(dst) {
		return fmt.Errorf("hex string has length %d, want %d", len(d), 2*len(dst))
	}
	return decodeHex(dst, d)
}

// bytes decodes a hex string of any even length, cut from the data slab.
func (p *logParser) bytes() ([]byte, error) {
	d, err := p.hexDigits()
	if err != nil {
		return nil, err
	}
	if len(d)%2 != 0 {
		return nil, errors.New("hex string of odd length")
	}
	n := len(d) / 2
	if n == 0 {
		return []byte{}, nil
	}
	if cap(p.data)-len(p.data) < n {
		p.data = make([]byte, 0, max(n, 256<<10))
	}
	start := len(p.data)
	p.data = p.data[:start+n]
	out := p.data[start : start+n : start+n]
	return out, decodeHex(out, d)
}

// quantity decodes a hex quantity of at most 64 bits.
func (p *logParser) quantity() (uint64, error) {
	d, err := p.hexDigits()
	if err != nil {
		return 0, err
	}
	if len(d) == 0 || len(d) > 16 {
		return 0, fmt.Errorf("bad hex quantity 0x%s", d)
	}
	var n uint64
	for _, c := range d {
		v := unhex(c)
		if v > 15 {
			return 0, fmt.Errorf("bad hex quantity 0x%s", d)
		}
		n = n<<4 | uint64(v)
	}
	return n, nil
}

func decodeHex(dst, src []byte) error {
	for i := range dst {
		a, b := unhex(src[2*i]), unhex(src[2*i+1])
		if a > 15 || b > 15 {
			return errors.New("invalid hex digit")
		}
		dst[i] = a<<4 | b
	}
	return nil
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 255
}
