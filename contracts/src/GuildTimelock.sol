// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The timelock is OpenZeppelin's TimelockController, unchanged; this file only brings it into the build.
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
