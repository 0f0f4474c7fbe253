package guildhall

// AsOf names the block a set of figures is exactly true at. Every figure Guildhall serves from the
// index carries one: the community's indexed progress, read in the same snapshot as the figures.
type AsOf struct {
	Number uint64
	Hash   string // 0x-prefixed, lower case
	Time   uint64 // the block's timestamp, Unix seconds
}
