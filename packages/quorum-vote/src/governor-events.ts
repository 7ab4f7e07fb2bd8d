/**
 * Typed events a `QuorumGovernor` surfaces in `Ready.events`, after the batch's records are durable.
 */
import type { GuidV4, Member } from '@brightchain/core';
import type { QuorumVoteType } from './governance-rules';
import type { GovernorMessageKind } from './governor-messages';
import type { OutcomeReason } from './vote-log';

/** An event of a governor. */
export type GovernorEvent =
  | {
      readonly type: 'proposalOpened';
      readonly voteId: GuidV4;
      readonly voteType: QuorumVoteType;
      readonly initiator: GuidV4;
      readonly epoch: number;
      readonly deadline: number;
    }
  | {
      readonly type: 'voteAccepted';
      readonly voteId: GuidV4;
      readonly member: GuidV4;
      readonly decision: boolean;
      readonly approvals: number;
      readonly rejections: number;
    }
  | {
      /** A vote (from a peer) was refused; state is unchanged. */
      readonly type: 'voteRejected';
      readonly voteId: GuidV4;
      readonly member: GuidV4;
      readonly from: GuidV4;
      readonly code: string;
      readonly message: string;
    }
  | {
      /** Any other message was refused (bad proposal, document, deal or release); state is unchanged. */
      readonly type: 'messageRejected';
      readonly kind: GovernorMessageKind;
      readonly from: GuidV4;
      readonly code: string;
      readonly message: string;
    }
  | {
      readonly type: 'proposalApproved' | 'proposalRejected' | 'proposalExpired';
      readonly voteId: GuidV4;
      readonly voteType: QuorumVoteType;
      readonly approvals: number;
      readonly rejections: number;
      readonly reason: OutcomeReason;
    }
  | { readonly type: 'memberAdded'; readonly member: Member; readonly epoch: number; readonly voteId: GuidV4 }
  | {
      readonly type: 'memberRemoved';
      readonly memberId: GuidV4;
      readonly epoch: number;
      readonly voteId: GuidV4;
    }
  | {
      readonly type: 'epochChanged';
      readonly previousEpoch: number;
      readonly epoch: number;
      readonly members: readonly GuidV4[];
    }
  | {
      readonly type: 'documentSealed';
      readonly documentId: GuidV4;
      readonly epoch: number;
      readonly threshold: number;
    }
  | { readonly type: 'documentReshared'; readonly documentId: GuidV4; readonly epoch: number }
  | {
      readonly type: 'shareReleased';
      readonly voteId: GuidV4;
      readonly documentId: GuidV4;
      readonly to: GuidV4;
    }
  | {
      /** A released share was refused at the requester; `member` is who sent it. */
      readonly type: 'shareRejected';
      readonly voteId: GuidV4;
      readonly documentId: GuidV4;
      readonly member: GuidV4;
      readonly code: string;
      readonly message: string;
    }
  | {
      readonly type: 'documentReconstructed';
      readonly voteId: GuidV4;
      readonly documentId: GuidV4;
      readonly plaintext: Uint8Array;
    };

/** The `type` of every {@link GovernorEvent}. */
export type GovernorEventType = GovernorEvent['type'];
