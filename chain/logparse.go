package chain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// The compact parser of eth_getLogs answers that HTTPLogs uses: one pass over the body, the logs'
// topics and data cut from a few large allocations.

// parseLogsResponse parses a JSON-RPC response whose result is a list of logs.
func parseLogsResponse(b []byte) ([]types.Log, error) {
	p := &logParser{b: b}
	logs, err := p.response()
	if err != nil {
		var rpcErr *RPCError
		if errors.As(err, &rpcErr) {
			return nil, err
		}
		return nil, fmt.Errorf("decode eth_getLogs response at byte %d: %w", p.i, err)
	}
	return logs, nil
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

func (p *logParser) response() ([]types.Log, error) {
	var logs []types.Log
	var rpcErr *RPCError
	haveResult := false
	err := p.object(func(key []byte) error {
		switch string(key) {
		case "result":
			haveResult = true
			// About 600 bytes of JSON per log: size the slices once.
			est := (len(p.b) - p.i) / 500
			logs = make([]types.Log, 0, est)
			p.topics = make([]common.Hash, 0, 3*est)
			return p.array(func() error {
				logs = append(logs, types.Log{})
				return p.log(&logs[len(logs)-1])
			})
		case "error":
			if p.literal("null") {
				return nil
			}
			var err error
			rpcErr, err = p.rpcError()
			return err
		}
		return p.skip()
	})
	switch {
	case err != nil:
		return nil, err
	case rpcErr != nil:
		return nil, rpcErr
	case !haveResult:
		return nil, errors.New("no result")
	}
	if logs == nil {
		logs = []types.Log{}
	}
	return logs, nil
}

// rpcError reads a JSON-RPC error object.
func (p *logParser) rpcError() (*RPCError, error) {
	e := &RPCError{}
	err := p.object(func(key []byte) error {
		switch string(key) {
		case "code":
			start := p.i
			if err := p.skip(); err != nil {
				return err
			}
			return json.Unmarshal(p.b[start:p.i], &e.Code)
		case "message":
			s, err := p.str()
			e.Message = string(s)
			return err
		case "data":
			p.ws()
			start := p.i
			if err := p.skip(); err != nil {
				return err
			}
			e.Data = append(json.RawMessage(nil), p.b[start:p.i]...)
			return nil
		}
		return p.skip()
	})
	return e, err
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
