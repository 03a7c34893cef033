"""Double-scoring: pairing two observers' files of one session, agreement between them (one session
or a whole store), and the consensus record they agree together. No Textual and no pandas."""
