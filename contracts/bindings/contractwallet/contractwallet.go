// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contractwallet

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// ContractWalletMetaData contains all meta data concerning the ContractWallet contract.
var ContractWalletMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"OwnableInvalidOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"OwnableUnauthorizedAccount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previousOwner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"OwnershipTransferred\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"hash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"isValidSignature\",\"outputs\":[{\"internalType\":\"bytes4\",\"name\":\"\",\"type\":\"bytes4\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"renounceOwnership\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"transferOwnership\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "ContractWallet",
	Bin: "0x6080604052348015600e575f5ffd5b5060405161050c38038061050c833981016040819052602b9160b4565b806001600160a01b038116605857604051631e4fbdf760e01b81525f600482015260240160405180910390fd5b605f816065565b505060df565b5f80546001600160a01b038381166001600160a01b0319831681178455604051919092169283917f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e09190a35050565b5f6020828403121560c3575f5ffd5b81516001600160a01b038116811460d8575f5ffd5b9392505050565b610420806100ec5f395ff3fe608060405234801561000f575f5ffd5b506004361061004a575f3560e01c80631626ba7e1461004e578063715018a61461007f5780638da5cb5b14610089578063f2fde38b146100a3575b5f5ffd5b61006161005c366004610315565b6100b6565b6040516001600160e01b031990911681526020015b60405180910390f35b610087610120565b005b5f546040516001600160a01b039091168152602001610076565b6100876100b13660046103d2565b610133565b5f5f5f6100c38585610175565b5090925090505f8160038111156100dc576100dc6103ff565b1480156100f557505f546001600160a01b038381169116145b1561010c5750630b135d3f60e11b915061011a9050565b506001600160e01b03199150505b92915050565b6101286101be565b6101315f6101ea565b565b61013b6101be565b6001600160a01b03811661016957604051631e4fbdf760e01b81525f60048201526024015b60405180910390fd5b610172816101ea565b50565b5f5f5f83516041036101ac576020840151604085015160608601515f1a61019e88828585610239565b9550955095505050506101b7565b505081515f91506002905b9250925092565b5f546001600160a01b031633146101315760405163118cdaa760e01b8152336004820152602401610160565b5f80546001600160a01b038381166001600160a01b0319831681178455604051919092169283917f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e09190a35050565b5f80807f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a084111561027257505f915060039050826102f7565b604080515f808252602082018084528a905260ff891692820192909252606081018790526080810186905260019060a0016020604051602081039080840390855afa1580156102c3573d5f5f3e3d5ffd5b5050604051601f1901519150506001600160a01b0381166102ee57505f9250600191508290506102f7565b92505f91508190505b9450945094915050565b634e487b7160e01b5f52604160045260245ffd5b5f5f60408385031215610326575f5ffd5b82359150602083013567ffffffffffffffff811115610343575f5ffd5b8301601f81018513610353575f5ffd5b803567ffffffffffffffff81111561036d5761036d610301565b604051601f8201601f19908116603f0116810167ffffffffffffffff8111828210171561039c5761039c610301565b6040528181528282016020018710156103b3575f5ffd5b816020840160208301375f602083830101528093505050509250929050565b5f602082840312156103e2575f5ffd5b81356001600160a01b03811681146103f8575f5ffd5b9392505050565b634e487b7160e01b5f52602160045260245ffdfea164736f6c6343000825000a",
}

// ContractWallet is an auto generated Go binding around an Ethereum contract.
type ContractWallet struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *ContractWallet) GetABI() abi.ABI {
	return c.abi
}

// NewContractWallet creates a new instance of ContractWallet.
func NewContractWallet() *ContractWallet {
	parsed, err := ContractWalletMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &ContractWallet{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *ContractWallet) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address owner_) returns()
func (contractWallet *ContractWallet) PackConstructor(owner_ common.Address) []byte {
	enc, err := contractWallet.abi.Pack("", owner_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackIsValidSignature is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1626ba7e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isValidSignature(bytes32 hash, bytes signature) view returns(bytes4)
func (contractWallet *ContractWallet) PackIsValidSignature(hash [32]byte, signature []byte) []byte {
	enc, err := contractWallet.abi.Pack("isValidSignature", hash, signature)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsValidSignature is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1626ba7e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isValidSignature(bytes32 hash, bytes signature) view returns(bytes4)
func (contractWallet *ContractWallet) TryPackIsValidSignature(hash [32]byte, signature []byte) ([]byte, error) {
	return contractWallet.abi.Pack("isValidSignature", hash, signature)
}

// UnpackIsValidSignature is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1626ba7e.
//
// Solidity: function isValidSignature(bytes32 hash, bytes signature) view returns(bytes4)
func (contractWallet *ContractWallet) UnpackIsValidSignature(data []byte) ([4]byte, error) {
	out, err := contractWallet.abi.Unpack("isValidSignature", data)
	if err != nil {
		return *new([4]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([4]byte)).(*[4]byte)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (contractWallet *ContractWallet) PackOwner() []byte {
	enc, err := contractWallet.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (contractWallet *ContractWallet) TryPackOwner() ([]byte, error) {
	return contractWallet.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (contractWallet *ContractWallet) UnpackOwner(data []byte) (common.Address, error) {
	out, err := contractWallet.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackRenounceOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x715018a6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function renounceOwnership() returns()
func (contractWallet *ContractWallet) PackRenounceOwnership() []byte {
	enc, err := contractWallet.abi.Pack("renounceOwnership")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRenounceOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x715018a6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function renounceOwnership() returns()
func (contractWallet *ContractWallet) TryPackRenounceOwnership() ([]byte, error) {
	return contractWallet.abi.Pack("renounceOwnership")
}

// PackTransferOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2fde38b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferOwnership(address newOwner) returns()
func (contractWallet *ContractWallet) PackTransferOwnership(newOwner common.Address) []byte {
	enc, err := contractWallet.abi.Pack("transferOwnership", newOwner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2fde38b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferOwnership(address newOwner) returns()
func (contractWallet *ContractWallet) TryPackTransferOwnership(newOwner common.Address) ([]byte, error) {
	return contractWallet.abi.Pack("transferOwnership", newOwner)
}

// ContractWalletOwnershipTransferred represents a OwnershipTransferred event raised by the ContractWallet contract.
type ContractWalletOwnershipTransferred struct {
	PreviousOwner common.Address
	NewOwner      common.Address
	Raw           *types.Log // Blockchain specific contextual infos
}

const ContractWalletOwnershipTransferredEventName = "OwnershipTransferred"

// ContractEventName returns the user-defined event name.
func (ContractWalletOwnershipTransferred) ContractEventName() string {
	return ContractWalletOwnershipTransferredEventName
}

// UnpackOwnershipTransferredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)
func (contractWallet *ContractWallet) UnpackOwnershipTransferredEvent(log *types.Log) (*ContractWalletOwnershipTransferred, error) {
	event := "OwnershipTransferred"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != contractWallet.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ContractWalletOwnershipTransferred)
	if len(log.Data) > 0 {
		if err := contractWallet.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range contractWallet.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (contractWallet *ContractWallet) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], contractWallet.abi.Errors["OwnableInvalidOwner"].ID.Bytes()[:4]) {
		return contractWallet.UnpackOwnableInvalidOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], contractWallet.abi.Errors["OwnableUnauthorizedAccount"].ID.Bytes()[:4]) {
		return contractWallet.UnpackOwnableUnauthorizedAccountError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// ContractWalletOwnableInvalidOwner represents a OwnableInvalidOwner error raised by the ContractWallet contract.
type ContractWalletOwnableInvalidOwner struct {
	Owner common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OwnableInvalidOwner(address owner)
func ContractWalletOwnableInvalidOwnerErrorID() common.Hash {
	return common.HexToHash("0x1e4fbdf7f3ef8bcaa855599e3abf48b232380f183f08f6f813d9ffa5bd585188")
}

// UnpackOwnableInvalidOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OwnableInvalidOwner(address owner)
func (contractWallet *ContractWallet) UnpackOwnableInvalidOwnerError(raw []byte) (*ContractWalletOwnableInvalidOwner, error) {
	out := new(ContractWalletOwnableInvalidOwner)
	if err := contractWallet.abi.UnpackIntoInterface(out, "OwnableInvalidOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ContractWalletOwnableUnauthorizedAccount represents a OwnableUnauthorizedAccount error raised by the ContractWallet contract.
type ContractWalletOwnableUnauthorizedAccount struct {
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OwnableUnauthorizedAccount(address account)
func ContractWalletOwnableUnauthorizedAccountErrorID() common.Hash {
	return common.HexToHash("0x118cdaa7a341953d1887a2245fd6665d741c67c8c50581daa59e1d03373fa188")
}

// UnpackOwnableUnauthorizedAccountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OwnableUnauthorizedAccount(address account)
func (contractWallet *ContractWallet) UnpackOwnableUnauthorizedAccountError(raw []byte) (*ContractWalletOwnableUnauthorizedAccount, error) {
	out := new(ContractWalletOwnableUnauthorizedAccount)
	if err := contractWallet.abi.UnpackIntoInterface(out, "OwnableUnauthorizedAccount", raw); err != nil {
		return nil, err
	}
	return out, nil
}
